<#
.SYNOPSIS
    Exports every IPv4 DHCP lease and reservation of one Windows DHCP server to CSV for ddns-audit.

.DESCRIPTION
    Produces a UTF-8 CSV with the header
        IPAddress,ScopeId,AddressState,ClientId,HostName,LeaseExpiryTime,DnsRR,DnsRegistration,ServerIP
    (ServerIP: the server holding the lease; --dhcp-settings rows match it)
    one row per lease, in every state (-AllLeases: active, reservations, offered, declined,
    expired). LeaseExpiryTime is ISO 8601 UTC (round-trip "o" format, e.g.
    2026-11-24T18:00:00.0000000Z), empty for reservations. ddns-audit reads it with
    --leases PATH (format windows-csv, detected from the header).

    Run it on the DHCP server itself or on a management server with the DhcpServer
    PowerShell module (RSAT: "DHCP Server Tools"). Reading leases needs membership in the
    "DHCP Users" group on the DHCP server (or "DHCP Administrators"); no write rights are used.

.PARAMETER Server
    The DHCP server to read (DNS name or IP address). Default: this computer.

.PARAMETER OutFile
    Where to write the CSV. Default: dhcp-leases-v4-<server>.csv in the current directory.

.EXAMPLE
    .\export-leases-v4.ps1 -Server dhcp01.corp.example.test -OutFile C:\audit\leases-v4.csv
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
    $OutFile = Join-Path (Get-Location) ("dhcp-leases-v4-{0}.csv" -f $Server)
}

Get-DhcpServerv4Scope -ComputerName $Server |
    Get-DhcpServerv4Lease -ComputerName $Server -AllLeases |
    Select-Object IPAddress, ScopeId, AddressState, ClientId, HostName,
        @{ Name = 'LeaseExpiryTime'; Expression = {
            if ($null -ne $_.LeaseExpiryTime) { $_.LeaseExpiryTime.ToUniversalTime().ToString('o') } else { '' }
        } },
        DnsRR, DnsRegistration, ServerIP |
    Export-Csv -Path $OutFile -NoTypeInformation -Encoding UTF8

Write-Host "Wrote $OutFile"
