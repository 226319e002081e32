<#
  export-dns-records.ps1 - DNS records with their aging timestamps for `ddns-audit --dns-records`.

  Produces:   a CSV with the columns ZoneName,HostName,RecordType,Timestamp,TimeToLive,RecordData,Owner
              (UTF-8 with a byte-order mark and every field double-quoted, as Windows
              PowerShell 5.1's Export-Csv -Encoding UTF8 writes it; no #TYPE line), one row per
              SOA, A, AAAA, PTR and CNAME record of every primary zone on the server. The SOA
              row (HostName '@') tells ddns-audit that the zone was exported whole: a zone
              without a row at its apex is read as exported in part, its names 'unknown'.
                HostName    relative to ZoneName as the DNS server shows it ('@' is the apex)
                Timestamp   when the record was last registered or refreshed, UTC,
                            'yyyy-MM-ddTHH:mm:ssZ'; empty for a static record
                TimeToLive  seconds
                RecordData  the IPv4/IPv6 address, the PTR/CNAME target, or the SOA's primary server
                Owner       the owner of the record's AD object (dnsNode), DOMAIN\name, from
                            its ACL: (Get-Acl -Path "AD:<node DN>").Owner, read once per node;
                            empty for a zone that is not AD-integrated, without the
                            ActiveDirectory module (RSAT AD PowerShell, for the AD: drive), or
                            with -NoOwner. ddns-audit's record_owner/owner_kind come from it.
              Auto-created zones (0.in-addr.arpa, 127.in-addr.arpa, ...), TrustAnchors and
              forwarder/stub zones are skipped.
  Run on:     a Windows DNS server, or a machine with the DnsServer PowerShell module (RSAT DNS
              Server Tools) that can reach it (-ComputerName).
  Rights:     membership in DnsAdmins (or Domain Admins), or rights delegated to read the DNS
              server's zones. Reading records does not change them. The owners need only
              read access to the dnsNode objects, which any authenticated user has in the
              default DNS partitions' ACLs; run it on a domain-joined machine.
  Parameters:
    -ComputerName  the DNS server (default: this machine)
    -ZoneName      only these zones (default: every primary zone)
    -OutFile       where to write the CSV (default .\dns-records.csv)
    -NoOwner       leave the Owner column empty (no AD lookups)
  Example:
    .\export-dns-records.ps1 -ComputerName dc1 -OutFile C:\temp\dns-records.csv
  Zone aging settings and dynamic-update policies are not in this CSV: export them with
  export-zone-settings.ps1 for ddns-audit --zones.
#>
[CmdletBinding()]
param(
    [string]$ComputerName = $env:COMPUTERNAME,
    [string[]]$ZoneName,
    [string]$OutFile = '.\dns-records.csv',
    [switch]$NoOwner
)
$ErrorActionPreference = 'Stop'
Import-Module DnsServer
$invariant = [Globalization.CultureInfo]::InvariantCulture

# The AD: drive (ActiveDirectory module) reads the owner from a node's security descriptor.
$readOwners = -not $NoOwner
if ($readOwners) {
    try { Import-Module ActiveDirectory -ErrorAction Stop } catch {
        Write-Warning "ActiveDirectory module not available: the Owner column stays empty"
        $readOwners = $false
    }
}
$owners = @{}
function Get-NodeOwner($dn) {
    if (-not $readOwners -or -not $dn) { return '' }
    if (-not $owners.ContainsKey($dn)) {
        try { $owners[$dn] = (Get-Acl -Path "AD:$dn").Owner } catch { $owners[$dn] = '' }
    }
    return $owners[$dn]
}

$zones = Get-DnsServerZone -ComputerName $ComputerName | Where-Object {
    -not $_.IsAutoCreated -and $_.ZoneName -ne 'TrustAnchors' -and $_.ZoneType -eq 'Primary'
}
if ($ZoneName) { $zones = $zones | Where-Object { $ZoneName -contains $_.ZoneName } }

& {
    foreach ($zone in $zones) {
        foreach ($type in 'SOA', 'A', 'AAAA', 'PTR', 'CNAME') {
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
                    'SOA'   { $r.RecordData.PrimaryServer }
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
                    Owner      = Get-NodeOwner $r.DistinguishedName
                }
            }
        }
    }
} | Export-Csv -Path $OutFile -NoTypeInformation -Encoding UTF8

Write-Host "Wrote $OutFile"
