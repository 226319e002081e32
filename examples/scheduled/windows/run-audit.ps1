<#
.SYNOPSIS
    The scheduled ddns-audit run: exports the leases of every authorized DHCP server, runs the
    audit, and writes one Application event log entry saying how it went.

.DESCRIPTION
    1. Asks AD for the authorized DHCP servers (Get-DhcpServerInDC) and exports each one's
       IPv4 and IPv6 leases to CSV with the repository's queries\windows\export-leases-v4.ps1
       and export-leases-v6.ps1 (Export-Csv -NoTypeInformation, times in invariant ISO 8601
       UTC), and their DNS-update settings with export-dhcp-dns-settings.ps1, into
       <WorkDir>\exports (emptied first: lease exports name clients, keep the folder private).
       A server that cannot be read is left out and named in the event (ID 1003).
    2. Runs ddns-audit audit with those files, live AD over LDAP (with -Kerberos as the task's
       own account, a gMSA, through Windows' Kerberos: no password anywhere; else as -BindDn
       with the password ddns-audit reads from -PasswordFile, a file only the task's account
       can read), --fail-on, --previous auto, --keep and --html, writing
       <ReportDir>\ddns-audit-<UTC timestamp>.csv and .html.
    3. Writes one event to the Application log, source 'ddns-audit':
         1000  Information  the audit completed, nothing at or above -FailOn
         1001  Warning      the audit completed, findings at or above -FailOn (exit 1)
         1002  Error        the audit could not run or complete (exit 2, no lease exported,
                            ddns-audit.exe missing)
         1003  Warning      the audit completed, but some DHCP servers could not be exported
                            (their leases are not in the report)
       The message holds the counts per status, the report's path and ddns-audit's summary.
    The script's exit code is ddns-audit's (0, 1, 2; 2 as well when it could not be run), so
    Task Scheduler's "Last Run Result" shows it too.

    Run once with -Register, as an administrator, to create the event source (creating a source
    needs administrator rights; writing to it afterwards does not).

.PARAMETER Register
    Create the 'ddns-audit' event source in the Application log, then exit. Needs administrator rights.
.PARAMETER LdapUrl
    Live AD: ldaps://dc1.corp.example.test or ldap://... (StartTLS). Computers and DNS records
    with their aging timestamps are read from it. With -Kerberos, name a domain controller by
    its FQDN: the Kerberos service name is ldap/<that name>.
.PARAMETER Kerberos
    Bind as the task's own account (the gMSA) with Kerberos, through Windows (SSPI): no bind
    account, no password file. The recommended setup (README.md).
.PARAMETER BindDn
    Without -Kerberos: the account ddns-audit binds as (a plain directory-read account: a
    gMSA's own password cannot be read by a script).
.PARAMETER PasswordFile
    Without -Kerberos: a file holding the bind password on its first line, ACL'd to the task's
    account and the administrators (README.md).
.PARAMETER FailOn
    missing, stale, at-risk (default) or never: the lowest status that makes the run report
    findings (event 1001, exit 1).
.PARAMETER Keep
    How many reports to keep in -ReportDir (older ones, with their .html, are deleted after a
    successful run). Default 60.
.PARAMETER Config
    An optional ddns-audit TOML file for any other option (--ca-file, --domain, --zones, ...);
    the command line here wins over it.
.PARAMETER DdnsAudit
    Path of ddns-audit.exe. Default: beside this script.
.PARAMETER QueriesDir
    Where the repository's queries\windows scripts are. Default: queries beside this script.
.PARAMETER WorkDir
    Where the exports go (<WorkDir>\exports). Default: this script's folder.
.PARAMETER ReportDir
    Where the reports go. Default: <WorkDir>\reports.

.EXAMPLE
    .\run-audit.ps1 -Register
.EXAMPLE
    .\run-audit.ps1 -LdapUrl ldaps://dc1.corp.example.test -Kerberos
.EXAMPLE
    .\run-audit.ps1 -LdapUrl ldaps://corp.example.test -BindDn 'CN=svc-ddnsaudit-ldap,OU=Service Accounts,DC=corp,DC=example,DC=test' -PasswordFile C:\ddns-audit\ldap-password.txt
#>
[CmdletBinding(DefaultParameterSetName = 'Run')]
param(
    [Parameter(ParameterSetName = 'Register', Mandatory = $true)]
    [switch] $Register,

    [Parameter(ParameterSetName = 'Run', Mandatory = $true)]
    [string] $LdapUrl,
    [Parameter(ParameterSetName = 'Run')]
    [switch] $Kerberos,
    [Parameter(ParameterSetName = 'Run')]
    [string] $BindDn,
    [Parameter(ParameterSetName = 'Run')]
    [string] $PasswordFile,
    [Parameter(ParameterSetName = 'Run')]
    [ValidateSet('missing', 'stale', 'at-risk', 'never')]
    [string] $FailOn = 'at-risk',
    [Parameter(ParameterSetName = 'Run')]
    [ValidateRange(1, 100000)]
    [int] $Keep = 60,
    [Parameter(ParameterSetName = 'Run')]
    [string] $Config,
    [Parameter(ParameterSetName = 'Run')]
    [string] $DdnsAudit = (Join-Path $PSScriptRoot 'ddns-audit.exe'),
    [Parameter(ParameterSetName = 'Run')]
    [string] $QueriesDir = (Join-Path $PSScriptRoot 'queries'),
    [Parameter(ParameterSetName = 'Run')]
    [string] $WorkDir = $PSScriptRoot,
    [Parameter(ParameterSetName = 'Run')]
    [string] $ReportDir
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$Source = 'ddns-audit'
$LogName = 'Application'
# Event IDs, one per outcome (docs/scheduled.md "The Windows events").
$EventOk = 1000
$EventFindings = 1001
$EventFailed = 1002
$EventIncomplete = 1003

if ($Register) {
    # [System.Diagnostics.EventLog] works in Windows PowerShell 5.1 and PowerShell 7 alike
    # (New-EventLog and Write-EventLog are gone from 7).
    if ([System.Diagnostics.EventLog]::SourceExists($Source)) {
        Write-Host "The event source '$Source' exists already."
    } else {
        [System.Diagnostics.EventLog]::CreateEventSource($Source, $LogName)
        Write-Host "Created the event source '$Source' in the $LogName log."
    }
    exit 0
}

if (-not $ReportDir) { $ReportDir = Join-Path $WorkDir 'reports' }
$invariant = [Globalization.CultureInfo]::InvariantCulture

# One event, and the same text in <ReportDir>\last-run.txt (for when the source is missing).
function Write-Outcome([int] $Id, [string] $Message) {
    $type = switch ($Id) {
        $EventOk { [System.Diagnostics.EventLogEntryType]::Information }
        $EventFailed { [System.Diagnostics.EventLogEntryType]::Error }
        default { [System.Diagnostics.EventLogEntryType]::Warning }
    }
    # An event message holds at most 31,839 characters.
    if ($Message.Length -gt 30000) { $Message = $Message.Substring(0, 30000) + "`r`n[...]" }
    try {
        New-Item -ItemType Directory -Force -Path $ReportDir | Out-Null
        Set-Content -Path (Join-Path $ReportDir 'last-run.txt') -Value "event $Id ($type)`r`n$Message" -Encoding UTF8
    } catch {
        Write-Warning "last-run.txt not written: $_"
    }
    try {
        [System.Diagnostics.EventLog]::WriteEntry($Source, $Message, $type, $Id)
    } catch {
        Write-Warning "No event written (run '.\run-audit.ps1 -Register' once as an administrator): $_"
    }
    Write-Host $Message
}

# Quotes one argument for a Windows command line (the C runtime's rules): Start-Process joins
# its -ArgumentList with spaces and no quoting, so a path with a space would split.
function ConvertTo-Argument([string] $Value) {
    if ($Value -ne '' -and $Value -notmatch '[\s"]') { return $Value }
    $escaped = $Value -replace '(\\*)"', '$1$1\"' -replace '(\\+)$', '$1$1'
    return '"' + $escaped + '"'
}

try {
    # One way to bind: the task's own account (Kerberos), or a bind account and its password.
    if ($Kerberos -and ($BindDn -or $PasswordFile)) {
        throw '-Kerberos binds as the task''s own account: give it without -BindDn and -PasswordFile'
    }
    if (-not $Kerberos -and -not ($BindDn -and $PasswordFile)) {
        throw 'give -Kerberos (the task''s own account), or -BindDn and -PasswordFile'
    }
    if (-not (Test-Path -LiteralPath $DdnsAudit -PathType Leaf)) {
        throw "ddns-audit.exe not found at $DdnsAudit (-DdnsAudit)"
    }
    foreach ($script in 'export-leases-v4.ps1', 'export-leases-v6.ps1', 'export-dhcp-dns-settings.ps1') {
        if (-not (Test-Path -LiteralPath (Join-Path $QueriesDir $script) -PathType Leaf)) {
            throw "$script not found in $QueriesDir (-QueriesDir: copy the repository's queries\windows scripts there)"
        }
    }
    Import-Module DhcpServer

    # --- 1. Exports ---------------------------------------------------------------------------
    $exports = Join-Path $WorkDir 'exports'
    # Emptied, not recreated: the folder keeps the ACL the install gave it (README.md step 3).
    New-Item -ItemType Directory -Force -Path $exports | Out-Null
    Get-ChildItem -LiteralPath $exports -Force | Remove-Item -Recurse -Force

    # Authorized servers from AD (CN=NetServices): any domain user may read them.
    $servers = @(Get-DhcpServerInDC | ForEach-Object { $_.DnsName } | Where-Object { $_ } | Sort-Object -Unique)
    if ($servers.Count -eq 0) { throw 'Get-DhcpServerInDC lists no authorized DHCP server' }

    $leaseFiles = New-Object System.Collections.Generic.List[string]
    $readable = New-Object System.Collections.Generic.List[string]
    $unread = New-Object System.Collections.Generic.List[string]
    foreach ($server in $servers) {
        $safe = $server -replace '[\\/:*?"<>|]', '-'
        $v4 = Join-Path $exports "leases-v4-$safe.csv"
        try {
            & (Join-Path $QueriesDir 'export-leases-v4.ps1') -Server $server -OutFile $v4 | Out-Null
            $readable.Add($server)
        } catch {
            $unread.Add("${server}: IPv4 leases not exported: $($_.Exception.Message)")
            continue
        }
        # A server without IPv6 scopes: an error or an empty export, neither a failure.
        $v6 = Join-Path $exports "leases-v6-$safe.csv"
        try {
            & (Join-Path $QueriesDir 'export-leases-v6.ps1') -Server $server -OutFile $v6 | Out-Null
        } catch {
            Write-Warning "${server}: IPv6 leases not exported: $($_.Exception.Message)"
        }
        # Export-Csv of no rows leaves no file, or an empty one: only files with rows are audited.
        foreach ($file in $v4, $v6) {
            if ((Test-Path -LiteralPath $file) -and (Get-Item -LiteralPath $file).Length -gt 0) { $leaseFiles.Add($file) }
        }
    }
    if ($readable.Count -eq 0) {
        throw ("no DHCP server could be exported:`r`n" + ($unread -join "`r`n"))
    }
    $settings = Join-Path $exports 'dhcp-dns-settings.csv'
    try {
        & (Join-Path $QueriesDir 'export-dhcp-dns-settings.ps1') -ComputerName $readable.ToArray() -OutFile $settings | Out-Null
    } catch {
        Write-Warning "DHCP DNS settings not exported (the dhcp_dns_setting column stays empty): $($_.Exception.Message)"
        $settings = $null
    }

    # --- 2. The audit -------------------------------------------------------------------------
    New-Item -ItemType Directory -Force -Path $ReportDir | Out-Null
    # The name --previous auto and --keep look for: ddns-audit-<UTC timestamp>.csv.
    $stamp = (Get-Date).ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", $invariant)
    $csv = Join-Path $ReportDir "ddns-audit-$stamp.csv"
    $html = Join-Path $ReportDir "ddns-audit-$stamp.html"

    $arguments = New-Object System.Collections.Generic.List[string]
    $arguments.Add('audit')
    if ($Config) { $arguments.AddRange([string[]] @('--config', $Config)) }
    foreach ($file in $leaseFiles) { $arguments.AddRange([string[]] @('--leases', $file)) }
    if (-not $leaseFiles.Count) { Write-Warning 'the DHCP servers hold no lease' }
    if ($settings -and (Test-Path -LiteralPath $settings)) { $arguments.AddRange([string[]] @('--dhcp-settings', $settings)) }
    $arguments.AddRange([string[]] @('--ldap-url', $LdapUrl))
    if ($Kerberos) { $arguments.Add('--kerberos') }
    else { $arguments.AddRange([string[]] @('--bind-dn', $BindDn, '--password-file', $PasswordFile)) }
    $arguments.AddRange([string[]] @(
            '--fail-on', $FailOn, '--previous', 'auto', '--keep', "$Keep",
            '--output', $csv, '--html', $html))

    $stderrFile = Join-Path $exports 'ddns-audit.stderr.txt'
    $stdoutFile = Join-Path $exports 'ddns-audit.stdout.txt'
    # Start-Process, not & with 2>: Windows PowerShell 5.1 turns a native command's stderr
    # lines into errors, which $ErrorActionPreference = 'Stop' would make fatal.
    $process = Start-Process -FilePath $DdnsAudit -ArgumentList (($arguments | ForEach-Object { ConvertTo-Argument $_ }) -join ' ') `
        -RedirectStandardError $stderrFile -RedirectStandardOutput $stdoutFile -NoNewWindow -Wait -PassThru
    $code = $process.ExitCode
    $summary = if (Test-Path -LiteralPath $stderrFile) { (Get-Content -LiteralPath $stderrFile -Raw -Encoding UTF8) } else { '' }
    if ($null -eq $summary) { $summary = '' }

    # --- 3. The event -------------------------------------------------------------------------
    $counts = ''
    if (($code -eq 0 -or $code -eq 1) -and (Test-Path -LiteralPath $csv)) {
        # Rows written: the non-ok ones (and rows resolved since the previous report).
        $rows = @(Import-Csv -LiteralPath $csv)
        $byStatus = @{}
        foreach ($row in $rows) { $byStatus[$row.status] = 1 + [int] $byStatus[$row.status] }
        $counts = (('missing', 'stale', 'at-risk', 'unknown') | ForEach-Object { "$_ $([int] $byStatus[$_])" }) -join ', '
    }
    $coverage = "DHCP servers read: $($readable -join ', ')"
    if ($unread.Count) { $coverage += "`r`nDHCP servers NOT read (their leases are missing from the report):`r`n" + ($unread -join "`r`n") }
    $body = "Report: $csv`r`nHTML: $html`r`nRows: $counts`r`n$coverage`r`n`r`n$summary"
    switch ($code) {
        0 {
            if ($unread.Count) { Write-Outcome $EventIncomplete "ddns-audit completed, but not every DHCP server was read; nothing at or above '$FailOn'.`r`n$body" }
            else { Write-Outcome $EventOk "ddns-audit completed: nothing at or above '$FailOn'.`r`n$body" }
        }
        1 {
            if ($unread.Count) { Write-Outcome $EventIncomplete "ddns-audit completed with findings at or above '$FailOn', but not every DHCP server was read.`r`n$body" }
            else { Write-Outcome $EventFindings "ddns-audit completed with findings at or above '$FailOn'.`r`n$body" }
        }
        default { Write-Outcome $EventFailed "ddns-audit could not complete the audit (exit code $code).`r`n$coverage`r`n`r`n$summary" }
    }
    exit $code
} catch {
    Write-Outcome $EventFailed "ddns-audit run failed before the audit completed: $($_.Exception.Message)"
    exit 2
}
