<#
  export-zones.ps1 - zone files with aging timestamps for `ddns-audit --dns-records`.

  Produces:   one file per zone, <zone>.dns, in -OutDir: the zone as `dnscmd /ZoneExport`
              writes it (RFC 1035 master file; an aged record carries [AGE:<hours since 1601>]
              before its TTL; a record without [AGE:] is static).
              dnscmd always writes the export into %SystemRoot%\System32\dns on the DNS server
              itself; this script copies each file from there to -OutDir and deletes the
              server-side copy. When the server is remote that copy goes through the admin
              share (\\SERVER\admin$\System32\dns).
              Auto-created zones, TrustAnchors and forwarder/stub zones are skipped.
  Run on:     the DNS server, or a machine with dnscmd and the DnsServer PowerShell module (RSAT
              DNS Server Tools).
  Rights:     membership in DnsAdmins (or Domain Admins) for dnscmd /ZoneExport; for a remote
              server also local administrator rights there (admin$ share).
  Parameters:
    -ComputerName  the DNS server (default: this machine)
    -ZoneName      only these zones (default: every primary zone)
    -OutDir        where to put the zone files (default .\zones)
  Example:
    .\export-zones.ps1 -ComputerName dc1 -OutDir C:\temp\zones
    ddns-audit audit ... --dns-records C:\temp\zones\corp.example.test.dns --dns-records C:\temp\zones\16.0.10.in-addr.arpa.dns
  Zone aging settings are not in the zone files: give them to ddns-audit with --no-refresh and
  --refresh (Get-DnsServerZoneAging shows them).
#>
[CmdletBinding()]
param(
    [string]$ComputerName = $env:COMPUTERNAME,
    [string[]]$ZoneName,
    [string]$OutDir = '.\zones'
)
$ErrorActionPreference = 'Stop'
Import-Module DnsServer
New-Item -ItemType Directory -Force -Path $OutDir | Out-Null

$local = ($ComputerName -eq $env:COMPUTERNAME) -or ($ComputerName -eq 'localhost') -or ($ComputerName -eq '.')
$serverDir = if ($local) { Join-Path $env:SystemRoot 'System32\dns' } else { "\\$ComputerName\admin$\System32\dns" }

$zones = Get-DnsServerZone -ComputerName $ComputerName | Where-Object {
    -not $_.IsAutoCreated -and $_.ZoneName -ne 'TrustAnchors' -and $_.ZoneType -eq 'Primary'
}
if ($ZoneName) { $zones = $zones | Where-Object { $ZoneName -contains $_.ZoneName } }

foreach ($zone in $zones) {
    # Classless reverse zones (0/26.2.0.192.in-addr.arpa) cannot be file names as they are;
    # ddns-audit reads the zone's name from the header dnscmd writes, not from the file name.
    $file = ($zone.ZoneName -replace '[\\/:*?"<>|]', '-') + '.dns'
    $exportName = "ddns-audit-export-$file"
    $serverFile = Join-Path $serverDir $exportName
    if (Test-Path $serverFile) { Remove-Item $serverFile }
    & dnscmd $ComputerName /ZoneExport $zone.ZoneName $exportName | Out-Null
    if ($LASTEXITCODE -ne 0) {
        Write-Warning "$($zone.ZoneName): dnscmd /ZoneExport failed (exit code $LASTEXITCODE)"
        continue
    }
    Copy-Item -Path $serverFile -Destination (Join-Path $OutDir $file) -Force
    Remove-Item $serverFile
    Write-Host "Wrote $(Join-Path $OutDir $file)"
}
