<#
  export-computers.ps1 - AD computer objects for `ddns-audit --computers`.

  Produces:   a CSV with the columns Name,DNSHostName,Enabled,LastLogonTimestamp,OperatingSystem
              (UTF-8, no #TYPE line). LastLogonTimestamp is the raw FILETIME integer (100 ns
              ticks since 1601-01-01 UTC), empty when the computer never logged on.
  Run on:     any domain-joined Windows machine with the ActiveDirectory PowerShell module
              (RSAT-AD-PowerShell): a domain controller or an admin workstation.
  Rights:     read access to computer objects; Domain Users have it by default.
  Parameters:
    -OutFile     where to write the CSV (default .\computers.csv)
    -SearchBase  a DN to limit the search to, e.g. 'OU=Workstations,DC=corp,DC=example,DC=test'
                 (default: the whole domain)
    -Server      a domain controller or domain to query (default: the local domain)
  Example:
    .\export-computers.ps1 -OutFile C:\temp\computers.csv
    ddns-audit audit --leases leases.csv --computers computers.csv --dns-records dns-records.csv --zones zones.csv
#>
[CmdletBinding()]
param(
    [string]$OutFile = '.\computers.csv',
    [string]$SearchBase,
    [string]$Server
)
$ErrorActionPreference = 'Stop'
Import-Module ActiveDirectory

$query = @{
    Filter     = '*'
    Properties = 'DNSHostName', 'Enabled', 'LastLogonTimestamp', 'OperatingSystem'
}
if ($SearchBase) { $query.SearchBase = $SearchBase }
if ($Server) { $query.Server = $Server }

# Get-ADComputer pages through the results itself (no 1000-object limit).
Get-ADComputer @query |
    Select-Object Name, DNSHostName, Enabled, LastLogonTimestamp, OperatingSystem |
    Export-Csv -Path $OutFile -NoTypeInformation -Encoding UTF8

Write-Host "Wrote $OutFile"
