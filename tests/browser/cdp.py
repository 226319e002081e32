#!/usr/bin/env python3
"""Opens a page in headless Chromium and drives it over the DevTools protocol, as a person
would: tests/html_report.rs uses it (docs/html-report.md "Reading the HTML report").

    cdp.py PAGE.html [--screenshot OUT.png] < steps.json > results.json

steps.json is a list of JavaScript expressions, evaluated in order once the page has loaded
(each may return a promise; its value must be JSON), or "cdp:" and a DevTools call as JSON.
--screenshot saves the page as loaded (1000x1350), before the steps. The output is
{"results": [...], "requests": [every URL the page asked for], "exceptions": [...]}.
Only the standard library and python3-websocket (Debian). Exits 2, saying why, when Chromium
or the module is missing: the caller's test fails, it never skips.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    import websocket  # python3-websocket
except ImportError:
    sys.exit("cdp.py: the Python module 'websocket' is missing (apt-get install python3-websocket)")


def chromium():
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    sys.exit("cdp.py: Chromium is missing (apt-get install chromium)")


class Page:
    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == ident:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.ws.settimeout(max(0.1, end - time.time()))
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)


def main():
    args = sys.argv[1:]
    shot = None
    if "--screenshot" in args:
        i = args.index("--screenshot")
        shot = args[i + 1]
        del args[i : i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    url = "file://" + os.path.abspath(args[0])
    steps = json.load(sys.stdin)
    profile = tempfile.mkdtemp(prefix="ddns-audit-cdp-")
    cmd = [chromium(), "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
           "--disable-extensions", "--disable-background-networking", "--disable-sync",
           "--remote-debugging-port=0", "--remote-allow-origins=*", f"--user-data-dir={profile}",
           "--window-size=1000,1350", "--hide-scrollbars", "about:blank"]
    if os.geteuid() == 0:
        cmd.insert(1, "--no-sandbox")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        end = time.time() + 30
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if time.time() > end or proc.poll() is not None:
                sys.exit("cdp.py: Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
        target = next(t for t in targets if t.get("type") == "page")
        page = Page(websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30, suppress_origin=True))
        for m in ("Network.enable", "Page.enable", "Runtime.enable"):
            page.call(m)
        page.events.clear()
        page.call("Page.navigate", url=url)
        page.wait_for("Page.loadEventFired")
        out = {"results": [], "exceptions": []}
        if shot:
            import base64
            data = page.call("Page.captureScreenshot", format="png")["data"]
            open(shot, "wb").write(base64.b64decode(data))
        for expr in steps:
            # "cdp:{json}": a DevTools method itself ({"method": ..., "params": ...}); its result.
            # Page.printToPDF's answer is reduced to the pages' MediaBox sizes (points).
            if expr.startswith("cdp:"):
                cmd = json.loads(expr[4:])
                r = page.call(cmd["method"], **cmd.get("params", {}))
                if cmd["method"] == "Page.printToPDF":
                    import base64, re
                    pdf = base64.b64decode(r["data"])
                    r = {"pages": [[round(float(w)), round(float(h))] for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]}
                out["results"].append(r)
                continue
            r = page.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
            if "exceptionDetails" in r:
                out["exceptions"].append({"expression": expr, "details": r["exceptionDetails"].get("exception", {}).get("description", str(r["exceptionDetails"]))})
                out["results"].append(None)
            else:
                out["results"].append(r.get("result", {}).get("value"))
        # Every request the page made, whenever it made it.
        page.ws.settimeout(0.5)
        try:
            while True:
                page.events.append(json.loads(page.ws.recv()))
        except Exception:
            pass
        out["requests"] = [e["params"]["request"]["url"] for e in page.events if e.get("method") == "Network.requestWillBeSent"]
        out["exceptions"] += [e["params"]["exceptionDetails"].get("text", "") for e in page.events if e.get("method") == "Runtime.exceptionThrown"]
        json.dump(out, sys.stdout)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
