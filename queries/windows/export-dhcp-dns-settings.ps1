<#
  export-dhcp-dns-settings.ps1 - the DHCP servers' DNS-update settings for
  `ddns-audit --dhcp-settings`.

  Produces:   a CSV with the columns
              Server,ScopeId,DynamicUpdates,DeleteDnsRROnLeaseExpiry,UpdateDnsRRForOlderClients,DisableDnsPtrRRUpdate,NameProtection
              (UTF-8, no #TYPE line): for each server, one row at server level (empty ScopeId)
              and one per IPv4 scope and IPv6 prefix, from Get-DhcpServerv4DnsSetting /
              Get-DhcpServerv6DnsSetting (the effective settings there):
                Server          the server's IPv4 address as its leases' ServerIP shows it
                                (ddns-audit matches it with the lease CSV's ServerIP column)
                DynamicUpdates  Always | OnClientRequest | Never
                the others      True | False (v6 has no UpdateDnsRRForOlderClients: empty)
  Run on:     the DHCP server, or a machine with the DhcpServer PowerShell module (RSAT DHCP
              Server Tools) that can reach it (-ComputerName, repeatable).
  Rights:     membership in DHCP Users (read-only) or DHCP Administrators on each server.
  Parameters:
    -ComputerName  the DHCP servers (default: this machine)
    -OutFile       where to write the CSV (default .\dhcp-dns-settings.csv)
  Example:
    .\export-dhcp-dns-settings.ps1 -ComputerName dhcp1,dhcp2 -OutFile C:\temp\dhcp-dns-settings.csv
    ddns-audit audit ... --dhcp-settings C:\temp\dhcp-dns-settings.csv
#>
[CmdletBinding()]
param(
    [string[]]$ComputerName = @($env:COMPUTERNAME),
    [string]$OutFile = '.\dhcp-dns-settings.csv'
)
$ErrorActionPreference = 'Stop'
Import-Module DhcpServer

function Row($server, $scope, $s) {
    [pscustomobject]@{
        Server                     = $server
        ScopeId                    = $scope
        DynamicUpdates             = $s.DynamicUpdates
        DeleteDnsRROnLeaseExpiry   = $s.DeleteDnsRROnLeaseExpiry
        UpdateDnsRRForOlderClients = if ($s.PSObject.Properties['UpdateDnsRRForOlderClients']) { $s.UpdateDnsRRForOlderClients } else { '' }
        DisableDnsPtrRRUpdate      = $s.DisableDnsPtrRRUpdate
        NameProtection             = $s.NameProtection
    }
}

& {
    foreach ($cn in $ComputerName) {
        # The address the server's leases carry as ServerIP: its first IPv4 address.
        $server = (Resolve-DnsName -Name $cn -Type A -ErrorAction SilentlyContinue | Select-Object -First 1).IPAddress
        if (-not $server) { $server = $cn }
        Row $server '' (Get-DhcpServerv4DnsSetting -ComputerName $cn)
        foreach ($scope in Get-DhcpServerv4Scope -ComputerName $cn) {
            Row $server $scope.ScopeId.IPAddressToString (Get-DhcpServerv4DnsSetting -ComputerName $cn -ScopeId $scope.ScopeId)
        }
        try {
            foreach ($scope in Get-DhcpServerv6Scope -ComputerName $cn) {
                Row $server $scope.Prefix.IPAddressToString (Get-DhcpServerv6DnsSetting -ComputerName $cn -Prefix $scope.Prefix)
            }
        } catch {
            Write-Warning "$($cn): IPv6 scopes not read: $_"
        }
    }
} | Export-Csv -Path $OutFile -NoTypeInformation -Encoding UTF8

Write-Host "Wrote $OutFile"
