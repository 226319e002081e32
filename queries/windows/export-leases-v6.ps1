<#
.SYNOPSIS
    Exports every IPv6 DHCP lease of one Windows DHCP server to CSV for ddns-audit.

.DESCRIPTION
    Produces a UTF-8 CSV with the header
        IPAddress,Prefix,AddressState,AddressType,ClientDuid,Iaid,HostName,LeaseExpiryTime
    one row per lease. LeaseExpiryTime is ISO 8601 UTC (round-trip "o" format, e.g.
    2026-11-24T18:00:00.0000000Z), empty when the server reports none. AddressState may be
    empty on servers whose DhcpServerv6Lease objects do not carry it; ddns-audit then treats
    the row as an active lease (Get-DhcpServerv6Lease lists current leases only). ClientDuid
    is a DUID, not a MAC address, so the audit has no MAC for IPv6 leases. ddns-audit reads
    the file with --leases PATH (format windows-csv, detected from the header).

    Run it on the DHCP server itself or on a management server with the DhcpServer
    PowerShell module (RSAT: "DHCP Server Tools"). Reading leases needs membership in the
    "DHCP Users" group on the DHCP server (or "DHCP Administrators"); no write rights are used.

.PARAMETER Server
    The DHCP server to read (DNS name or IP address). Default: this computer.

.PARAMETER OutFile
    Where to write the CSV. Default: dhcp-leases-v6-<server>.csv in the current directory.

.EXAMPLE
    .\export-leases-v6.ps1 -Server dhcp01.corp.example.test -OutFile C:\audit\leases-v6.csv
#>
[CmdletBinding()]
param(
    [string] $Server = $env:COMPUTERNAME,
    [string] $OutFile = ""
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
Import-Module DhcpServer

if (-not $OutFile) {
    $OutFile = Join-Path (Get-Location) ("dhcp-leases-v6-{0}.csv" -f $Server)
}

Get-DhcpServerv6Scope -ComputerName $Server |
    Get-DhcpServerv6Lease -ComputerName $Server |
    Select-Object IPAddress, Prefix,
        @{ Name = 'AddressState'; Expression = {
            if ($_.PSObject.Properties['AddressState']) { $_.AddressState } else { '' }
        } },
        AddressType, ClientDuid, Iaid, HostName,
        @{ Name = 'LeaseExpiryTime'; Expression = {
            if ($null -ne $_.LeaseExpiryTime) { $_.LeaseExpiryTime.ToUniversalTime().ToString('o') } else { '' }
        } } |
    Export-Csv -Path $OutFile -NoTypeInformation -Encoding UTF8

Write-Host "Wrote $OutFile"
