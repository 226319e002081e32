<#
  export-dns-records.ps1 - DNS records with their aging timestamps for `ddns-audit --dns-records`.

  Produces:   a CSV with the columns ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData
              (UTF-8, no #TYPE line), one row per A, AAAA, PTR and CNAME record of every primary
              zone on the server:
                HostName    relative to ZoneName as the DNS server shows it ('@' is the apex)
                Timestamp   when the record was last registered or refreshed, UTC,
                            'yyyy-MM-ddTHH:mm:ssZ'; empty for a static record
                TimeToLive  seconds
                RecordData  the IPv4/IPv6 address, or the PTR/CNAME target
              Auto-created zones (0.in-addr.arpa, 127.in-addr.arpa, ...), TrustAnchors and
              forwarder/stub zones are skipped.
  Run on:     a Windows DNS server, or a machine with the DnsServer PowerShell module (RSAT DNS
              Server Tools) that can reach it (-ComputerName).
  Rights:     membership in DnsAdmins (or Domain Admins), or rights delegated to read the DNS
              server's zones. Reading records does not change them.
  Parameters:
    -ComputerName  the DNS server (default: this machine)
    -ZoneName      only these zones (default: every primary zone)
    -OutFile       where to write the CSV (default .\dns-records.csv)
  Example:
    .\export-dns-records.ps1 -ComputerName dc1 -OutFile C:\temp\dns-records.csv
  Zone aging settings (no-refresh and refresh intervals) are not in this CSV: give them to
  ddns-audit with --no-refresh and --refresh (Get-DnsServerZoneAging shows them).
#>
[CmdletBinding()]
param(
    [string]$ComputerName = $env:COMPUTERNAME,
    [string[]]$ZoneName,
    [string]$OutFile = '.\dns-records.csv'
)
$ErrorActionPreference = 'Stop'
Import-Module DnsServer
$invariant = [Globalization.CultureInfo]::InvariantCulture

$zones = Get-DnsServerZone -ComputerName $ComputerName | Where-Object {
    -not $_.IsAutoCreated -and $_.ZoneName -ne 'TrustAnchors' -and $_.ZoneType -eq 'Primary'
}
if ($ZoneName) { $zones = $zones | Where-Object { $ZoneName -contains $_.ZoneName } }

& {
    foreach ($zone in $zones) {
        foreach ($type in 'A', 'AAAA', 'PTR', 'CNAME') {
            try {
                $records = Get-DnsServerResourceRecord -ComputerName $ComputerName -ZoneName $zone.ZoneName -RRType $type
            } catch {
                Write-Warning "$($zone.ZoneName) $type records not read: $_"
                continue
            }
            foreach ($r in $records) {
                $data = switch ($r.RecordType) {
                    'A'     { $r.RecordData.IPv4Address.IPAddressToString }
                    'AAAA'  { $r.RecordData.IPv6Address.IPAddressToString }
                    'PTR'   { $r.RecordData.PtrDomainName }
                    'CNAME' { $r.RecordData.HostNameAlias }
                }
                # The cmdlet gives the timestamp in this machine's local time; null when static.
                $stamp = ''
                if ($r.Timestamp) {
                    $stamp = $r.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", $invariant)
                }
                [pscustomobject]@{
                    ZoneName   = $zone.ZoneName
                    HostName   = $r.HostName
                    RecordType = $r.RecordType
                    Timestamp  = $stamp
                    TimeToLive = [long]$r.TimeToLive.TotalSeconds
                    RecordData = $data
                }
            }
        }
    }
} | Export-Csv -Path $OutFile -NoTypeInformation -Encoding UTF8

Write-Host "Wrote $OutFile"
