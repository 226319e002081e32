<#
  export-zone-settings.ps1 - each zone's dynamic-update policy and aging for `ddns-audit --zones`.

  Produces:   a CSV with the columns
              ZoneName,ZoneType,DynamicUpdate,AgingEnabled,NoRefreshInterval,RefreshInterval,ScavengeServers
              (UTF-8, no #TYPE line), one row per primary zone on the server:
                DynamicUpdate      None | NonsecureAndSecure | Secure (Get-DnsServerZone)
                AgingEnabled       True | False (Get-DnsServerZoneAging)
                NoRefreshInterval  .NET TimeSpan, d.hh:mm:ss (7.00:00:00)
                RefreshInterval    the same
                ScavengeServers    the servers allowed to scavenge the zone, ';'-separated
              Auto-created zones, TrustAnchors and forwarder/stub zones are skipped.
              (export-zones.ps1 writes the zone files for --dns-records; this script writes
              the settings those files lack.)
  Run on:     a Windows DNS server, or a machine with the DnsServer PowerShell module (RSAT DNS
              Server Tools) that can reach it (-ComputerName).
  Rights:     read access to the DNS server's configuration: membership in DnsAdmins (or
              Domain Admins), or delegated read rights. Nothing is changed.
  Parameters:
    -ComputerName  the DNS server (default: this machine)
    -ZoneName      only these zones (default: every primary zone)
    -OutFile       where to write the CSV (default .\zones.csv)
  Example:
    .\export-zone-settings.ps1 -ComputerName dc1 -OutFile C:\temp\zones.csv
    ddns-audit audit ... --zones C:\temp\zones.csv
#>
[CmdletBinding()]
param(
    [string]$ComputerName = $env:COMPUTERNAME,
    [string[]]$ZoneName,
    [string]$OutFile = '.\zones.csv'
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
        try {
            $aging = Get-DnsServerZoneAging -ComputerName $ComputerName -Name $zone.ZoneName
        } catch {
            Write-Warning "$($zone.ZoneName): aging not read: $_"
            $aging = $null
        }
        [pscustomobject]@{
            ZoneName          = $zone.ZoneName
            ZoneType          = $zone.ZoneType
            DynamicUpdate     = $zone.DynamicUpdate
            AgingEnabled      = if ($aging) { $aging.AgingEnabled } else { '' }
            # The invariant 'c' format is d.hh:mm:ss whatever this machine's culture.
            NoRefreshInterval = if ($aging) { $aging.NoRefreshInterval.ToString('c', $invariant) } else { '' }
            RefreshInterval   = if ($aging) { $aging.RefreshInterval.ToString('c', $invariant) } else { '' }
            ScavengeServers   = if ($aging -and $aging.ScavengeServers) { ($aging.ScavengeServers | ForEach-Object { $_.ToString() }) -join ';' } else { '' }
        }
    }
} | Export-Csv -Path $OutFile -NoTypeInformation -Encoding UTF8

Write-Host "Wrote $OutFile"
