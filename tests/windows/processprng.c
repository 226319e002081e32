/* TEST SCAFFOLDING ONLY, never shipped: a stand-in for Windows 10+'s bcryptprimitives.dll,
 * which Debian 12's Wine 8.0 lacks. Rust >= 1.78's std imports ProcessPrng from it for
 * HashMap keys and the like; without it the exe exits 53 before main under Wine. It fills the
 * buffer from RtlGenRandom (advapi32's SystemFunction036), as Windows' own ProcessPrng does
 * from the system's generator. tests/windows.sh builds it with mingw into the Wine prefix's
 * system32. Real Windows has the real DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
