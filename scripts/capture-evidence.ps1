<#
.SYNOPSIS
  Captures the Windows Update evidence that `wudiag diagnose --evidence` reads, into one
  folder and one .zip to send to your support team.

.DESCRIPTION
  Runs on Windows PowerShell 5.1 (Windows 10 and 11) with no extra modules. Run it from
  an elevated PowerShell ("Run as administrator") to capture everything; without
  elevation some files (CBS.log, the Setup log) are skipped and the bundle says so.

  The bundle holds:
    System.evtx, Setup.evtx, WindowsUpdateClient-Operational.evtx, BITS-Client-Operational.evtx
                            event logs exported with wevtutil epl
    services.csv            Get-CimInstance Win32_Service (state, start mode, delayed start)
    WindowsUpdate.log       Get-WindowsUpdateLog (decoded from the ETL traces)
    CBS.log, DISM.log       copies of %windir%\Logs\CBS\CBS.log and %windir%\Logs\DISM\dism.log
    update-history.csv      the Windows Update history (Microsoft.Update.Session QueryHistory)
    *.reg                   reg export of the Windows Update policy, the pending-reboot keys
                            and the Session Manager key (PendingFileRenameOperations)
    facts.txt               machine name, Windows version and build, free disk space,
                            WinHTTP proxy, whether the capture ran elevated
    capture.log             what was captured and what failed

  Nothing on the machine is changed.

.PARAMETER OutputFolder
  Where to write the folder and the .zip (default: your Desktop).

.PARAMETER Days
  How many days of event-log history to export (default 90).

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File .\capture-evidence.ps1
#>
[CmdletBinding()]
param(
    [string]$OutputFolder = [Environment]::GetFolderPath('Desktop'),
    [int]$Days = 90
)

$ErrorActionPreference = 'Continue'
$captureVersion = '1'
$stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMdd-HHmmss')
$machine = $env:COMPUTERNAME
$bundle = Join-Path $OutputFolder "wudiag-evidence-$machine-$stamp"
New-Item -ItemType Directory -Path $bundle -Force | Out-Null
$log = Join-Path $bundle 'capture.log'
$utf8 = New-Object System.Text.UTF8Encoding($false)

function Write-CaptureLog([string]$message) {
    $line = '{0} {1}' -f (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'), $message
    [System.IO.File]::AppendAllText($log, $line + "`r`n", $utf8)
    Write-Host $message
}

# Runs one capture step; a failure is logged and the next step still runs.
function Invoke-Step([string]$name, [scriptblock]$action) {
    try {
        & $action
        Write-CaptureLog "ok      $name"
    } catch {
        Write-CaptureLog "FAILED  $name : $($_.Exception.Message)"
    }
}

$identity = [Security.Principal.WindowsIdentity]::GetCurrent()
$elevated = (New-Object Security.Principal.WindowsPrincipal $identity).IsInRole(
    [Security.Principal.WindowsBuiltInRole]::Administrator)
if (-not $elevated) {
    Write-CaptureLog 'not elevated: some evidence will be missing; run PowerShell as administrator for all of it'
}

# --- event logs -------------------------------------------------------------------------
$ms = [int64]$Days * 24 * 3600 * 1000
$timeFilter = "*[System[TimeCreated[timediff(@SystemTime) <= $ms]]]"
$channels = @(
    @{ Channel = 'System'; File = 'System.evtx' },
    @{ Channel = 'Setup'; File = 'Setup.evtx' },
    @{ Channel = 'Microsoft-Windows-WindowsUpdateClient/Operational'; File = 'WindowsUpdateClient-Operational.evtx' },
    @{ Channel = 'Microsoft-Windows-Bits-Client/Operational'; File = 'BITS-Client-Operational.evtx' }
)
foreach ($c in $channels) {
    Invoke-Step "event log $($c.Channel)" {
        $target = Join-Path $bundle $c.File
        & wevtutil.exe epl $c.Channel $target "/q:$timeFilter" /ow:true 2>&1 | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "wevtutil exited with $LASTEXITCODE" }
    }
}

# --- services ---------------------------------------------------------------------------
Invoke-Step 'services' {
    Get-CimInstance -ClassName Win32_Service |
        Select-Object Name, DisplayName, State, StartMode, DelayedAutoStart, ProcessId,
                      ExitCode, ServiceSpecificExitCode, SystemName |
        Sort-Object Name |
        Export-Csv -Path (Join-Path $bundle 'services.csv') -NoTypeInformation -Encoding UTF8
}

# --- WindowsUpdate.log --------------------------------------------------------------------
Invoke-Step 'WindowsUpdate.log' {
    $target = Join-Path $bundle 'WindowsUpdate.log'
    if (Get-Command Get-WindowsUpdateLog -ErrorAction SilentlyContinue) {
        Get-WindowsUpdateLog -LogPath $target -ErrorAction Stop | Out-Null
    } elseif (Test-Path "$env:windir\WindowsUpdate.log") {
        Copy-Item "$env:windir\WindowsUpdate.log" $target   # Windows 8.1 and older
    } else {
        throw 'no Get-WindowsUpdateLog and no legacy WindowsUpdate.log'
    }
}

# --- CBS.log and DISM.log (opened with sharing: TrustedInstaller may be writing) ---------
function Copy-Shared([string]$from, [string]$to) {
    $in = [System.IO.File]::Open($from, 'Open', 'Read', 'ReadWrite, Delete')
    try {
        $out = [System.IO.File]::Create($to)
        try { $in.CopyTo($out) } finally { $out.Dispose() }
    } finally { $in.Dispose() }
}
Invoke-Step 'CBS.log' { Copy-Shared "$env:windir\Logs\CBS\CBS.log" (Join-Path $bundle 'CBS.log') }
Invoke-Step 'DISM.log' { Copy-Shared "$env:windir\Logs\DISM\dism.log" (Join-Path $bundle 'DISM.log') }

# --- update history ---------------------------------------------------------------------
Invoke-Step 'update history' {
    $session = New-Object -ComObject Microsoft.Update.Session
    $searcher = $session.CreateUpdateSearcher()
    $count = $searcher.GetTotalHistoryCount()
    $rows = @()
    if ($count -gt 0) {
        foreach ($e in $searcher.QueryHistory(0, $count)) {
            $rows += [pscustomobject]@{
                Date                = $e.Date.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
                Operation           = [int]$e.Operation
                ResultCode          = [int]$e.ResultCode
                HResult             = '0x{0:X8}' -f $e.HResult
                Title               = $e.Title
                UpdateID            = $e.UpdateIdentity.UpdateID
                RevisionNumber      = $e.UpdateIdentity.RevisionNumber
                ServiceID           = $e.ServiceID
                ClientApplicationID = $e.ClientApplicationID
            }
        }
    }
    $csv = Join-Path $bundle 'update-history.csv'
    if ($rows.Count -gt 0) {
        $rows | Export-Csv -Path $csv -NoTypeInformation -Encoding UTF8
    } else {
        [System.IO.File]::WriteAllText($csv,
            '"Date","Operation","ResultCode","HResult","Title","UpdateID","RevisionNumber","ServiceID","ClientApplicationID"' + "`r`n", $utf8)
    }
}

# --- registry -----------------------------------------------------------------------------
$keys = @(
    @{ Key = 'HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate'; File = 'policy-windowsupdate.reg' },
    @{ Key = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update'; File = 'wu-auto-update.reg' },
    @{ Key = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'; File = 'cbs-reboot-pending.reg' },
    @{ Key = 'HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\PendedSessionPackages'; File = 'cbs-pended-packages.reg' },
    @{ Key = 'HKLM\SYSTEM\CurrentControlSet\Control\Session Manager'; File = 'session-manager.reg' }
)
foreach ($k in $keys) {
    $psPath = 'Registry::' + ($k.Key -replace '^HKLM', 'HKEY_LOCAL_MACHINE')
    if (-not (Test-Path $psPath)) {
        Write-CaptureLog "absent  $($k.Key)"   # an absent key is evidence too (e.g. no reboot pending)
        continue
    }
    Invoke-Step "registry $($k.Key)" {
        & reg.exe export $k.Key (Join-Path $bundle $k.File) /y 2>&1 | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "reg export exited with $LASTEXITCODE" }
    }
}

# --- facts ----------------------------------------------------------------------------------
Invoke-Step 'facts' {
    $cv = Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion'
    $drive = Get-CimInstance -ClassName Win32_LogicalDisk -Filter "DeviceID='$($env:SystemDrive)'"
    $proxy = (& netsh.exe winhttp show proxy 2>&1 | Out-String) -replace '\s+', ' '
    $display = if ($cv.DisplayVersion) { $cv.DisplayVersion } else { $cv.ReleaseId }
    # the text logs are in local time, the events in UTC: wudiag puts them on one time line
    $offset = [System.TimeZoneInfo]::Local.GetUtcOffset([DateTime]::Now)
    $utcOffset = $(if ($offset -lt [TimeSpan]::Zero) { '-' } else { '+' }) + $offset.Duration().ToString('hh\:mm')
    $lines = @(
        'wudiag-facts 1',
        "machine.name=$machine",
        "os.product=$($cv.ProductName)",
        "os.display_version=$display",
        "os.build=$($cv.CurrentBuild)",
        "os.ubr=$($cv.UBR)",
        "os.edition=$($cv.EditionID)",
        "disk.system.drive=$($env:SystemDrive)",
        "disk.system.free_bytes=$($drive.FreeSpace)",
        "disk.system.total_bytes=$($drive.Size)",
        "net.winhttp_proxy=$($proxy.Trim())",
        "capture.time=$((Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'))",
        "time.utc_offset=$utcOffset",
        "capture.tool=capture-evidence.ps1 $captureVersion",
        "capture.elevated=$($elevated.ToString().ToLower())"
    )
    [System.IO.File]::WriteAllLines((Join-Path $bundle 'facts.txt'), [string[]]$lines, $utf8)
}

# --- zip --------------------------------------------------------------------------------------
$zip = "$bundle.zip"
Invoke-Step 'zip' { Compress-Archive -Path (Join-Path $bundle '*') -DestinationPath $zip -Force }
Write-Host ''
Write-Host "Evidence folder: $bundle"
if (Test-Path $zip) { Write-Host "Send this file to your support team: $zip" }
