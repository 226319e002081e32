<#
.SYNOPSIS
    Exports the configuration and the leases of one Windows DHCP server to XML for ddns-audit.

.DESCRIPTION
    Runs Export-DhcpServer -Leases, which writes one XML file with every IPv4 and IPv6 scope,
    its lease duration, its reservations and its leases. ddns-audit reads it with
    --leases PATH (format windows-xml, detected from content): each <Lease> is audited, and
    each reservation that has no lease in its scope is audited as a reservation. The scope's
    LeaseDuration gives each lease its length. The server's DNS settings (option 81 on IPv4,
    39 on IPv6, at the server, scope and reservation levels) fill the report's
    dhcp_dns_setting column for this file's leases.

    Run it on the DHCP server itself or on a management server with the DhcpServer
    PowerShell module (RSAT: "DHCP Server Tools"). Export-DhcpServer only reads the server;
    membership in the "DHCP Users" group on the DHCP server suffices for reading (use
    "DHCP Administrators" if the export is refused). The XML is written on the computer that
    runs the script, not on -Server. The file also holds the server's configuration (options, policies, classes):
    treat it as internal data.

.PARAMETER Server
    The DHCP server to read (DNS name or IP address). Default: this computer.

.PARAMETER OutFile
    Where to write the XML. Default: dhcp-export-<server>.xml in the current directory.
    An existing file is overwritten.

.EXAMPLE
    .\export-dhcp-server.ps1 -Server dhcp01.corp.example.test -OutFile C:\audit\dhcp01.xml
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
    $OutFile = Join-Path (Get-Location) ("dhcp-export-{0}.xml" -f $Server)
}

Export-DhcpServer -ComputerName $Server -File $OutFile -Leases -Force

Write-Host "Wrote $OutFile"
