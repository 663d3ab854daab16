; 创文台账 (CivLedger) — Windows installer, compiled by installer/build.py:
;
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION4=0.1.0.0 -DDIST_DIR=...\dist\civledger
;            -DOUT_FILE=...\dist\CivLedger-0.1.0-setup.exe -DICON_FILE=...\civledger.ico civledger.nsi
;
; Clerks install without administrator rights: everything goes under the user's own profile
; ($LOCALAPPDATA\Programs\CivLedger) and registry hive (HKCU). The libraries the clerk keeps
; (default: $LOCALAPPDATA\CivLedger) and the logs are never touched: the uninstaller deletes only
; the files this installer put there. Installing over an older version runs its uninstaller
; silently first, so files the new version no longer ships do not linger.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef VERSION4
  !define VERSION4 "0.0.0.0"
!endif
!ifndef DIST_DIR
  !define DIST_DIR "..\dist\civledger"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "..\dist\CivLedger-${VERSION}-setup.exe"
!endif
!ifndef ICON_FILE
  !define ICON_FILE "..\resources\civledger.ico"
!endif
!ifndef BUNDLE_MB
  !define BUNDLE_MB "250"
!endif

!define APP_NAME "创文台账"
!define APP_ID "CivLedger"
!define PUBLISHER "CivLedger"
!define EXE_NAME "civledger.exe"
!define UNINSTALLER "uninstall.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define APP_KEY "Software\${APP_ID}"
!define FOLDER_VERB_KEY "Software\Classes\Directory\shell\${APP_ID}"

!ifdef FAST
  SetCompress off           ; build.py's compile check on Linux: nothing to ship, so no waiting
!else
  SetCompressor /SOLID lzma
!endif

Name "${APP_NAME} ${VERSION}"
OutFile "${OUT_FILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_ID}"
InstallDirRegKey HKCU "${APP_KEY}" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_NAME} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "AGPL-3.0-or-later"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "x64.nsh"
!include "WinVer.nsh"

!define MUI_ICON "${ICON_FILE}"
!define MUI_UNICON "${ICON_FILE}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "本向导将在您的电脑上安装 ${APP_NAME} ${VERSION}。$\r$\n$\r$\n安装只写入当前用户的文件夹，不需要管理员权限。已有的资料库不会受到影响。$\r$\n$\r$\n单击“下一步”继续。"
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE_NAME}"
!define MUI_FINISHPAGE_RUN_TEXT "运行 ${APP_NAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

Var OldUninstaller
Var OldInstallDir
Var OldVersion

; -- checks before anything is shown ------------------------------------------------------------
Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME} 需要 64 位 Windows 10 或更新的版本。" /SD IDOK
    Abort
  ${EndIf}
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP "${APP_NAME} 需要 Windows 10 或更新的版本。" /SD IDOK
    Abort
  ${EndIf}
  SetShellVarContext current
  ReadRegStr $OldUninstaller HKCU "${UNINSTALL_KEY}" "UninstallString"
  ReadRegStr $OldInstallDir HKCU "${UNINSTALL_KEY}" "InstallLocation"
  ReadRegStr $OldVersion HKCU "${UNINSTALL_KEY}" "DisplayVersion"
  ${If} $OldVersion != ""
    ${VersionCompare} "$OldVersion" "${VERSION}" $0
    ${If} $0 == 1
      MessageBox MB_YESNO|MB_ICONQUESTION "已安装更新的版本 $OldVersion。确定要换成较旧的 ${VERSION} 吗？$\r$\n（资料库不受影响，但新版本写入过的资料库可能无法用旧版本打开。）" /SD IDYES IDYES +2
      Abort
    ${EndIf}
  ${EndIf}
FunctionEnd

; Removes the old version's program files (never the clerk's data) before the new ones are copied.
Function RemoveOldVersion
  ${If} $OldUninstaller == ""
    Return
  ${EndIf}
  ; The registry value is quoted; strip the quotes to test for the file.
  StrCpy $0 $OldUninstaller
  StrCpy $1 $0 1
  ${If} $1 == '"'
    StrCpy $0 $0 "" 1
    StrCpy $0 $0 -1
  ${EndIf}
  ${If} $OldInstallDir == ""
    ${GetParent} $0 $OldInstallDir
  ${EndIf}
  ${IfNot} ${FileExists} $0
    Return
  ${EndIf}
  DetailPrint "卸载旧版本 $OldVersion（$OldInstallDir）…"
  ; _?= runs the uninstaller in place and waits for it (otherwise it copies itself and returns).
  ExecWait '"$0" /S _?=$OldInstallDir' $1
  ${If} $1 != 0
    DetailPrint "旧版本卸载程序返回 $1；直接覆盖安装。"
  ${EndIf}
  Delete $0
  RMDir $OldInstallDir
FunctionEnd

; -- sections -----------------------------------------------------------------------------------
Section "!${APP_NAME}（必需）" SecMain
  SectionIn RO
  SetShellVarContext current
  Call RemoveOldVersion
  SetOutPath "$INSTDIR"
  SetOverwrite on
  File /r "${DIST_DIR}\*.*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${EXE_NAME}" "" "$INSTDIR\${EXE_NAME}" 0
  ; The self-test in a console window that stays open, so the clerk can read or photograph it.
  CreateShortcut "$SMPROGRAMS\${APP_NAME} 自检.lnk" "$SYSDIR\cmd.exe" '/k ""$INSTDIR\civledger-cli.exe" --self-test"' "$INSTDIR\${EXE_NAME}" 0

  WriteRegStr HKCU "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${APP_KEY}" "Version" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE_NAME},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "桌面快捷方式" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${EXE_NAME}" "" "$INSTDIR\${EXE_NAME}" 0
SectionEnd

; Optional, off by default: right-click a library folder in Explorer → 用创文台账打开.
Section /o "文件夹右键菜单“用创文台账打开”" SecFolderVerb
  WriteRegStr HKCU "${FOLDER_VERB_KEY}" "" "用${APP_NAME}打开"
  WriteRegStr HKCU "${FOLDER_VERB_KEY}" "Icon" "$INSTDIR\${EXE_NAME},0"
  WriteRegStr HKCU "${FOLDER_VERB_KEY}\command" "" '"$INSTDIR\${EXE_NAME}" --library "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "程序文件（约 ${BUNDLE_MB} MB），开始菜单快捷方式。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "在桌面上放一个“${APP_NAME}”图标。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecFolderVerb} "在资源管理器中右键单击资料库文件夹，可直接用${APP_NAME}打开。"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; -- uninstaller: program files, shortcuts and registry entries; never the clerk's data ---------
Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME} 自检.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"

  ; Only what the installer put there: the folder may hold something else the clerk saved.
  Delete "$INSTDIR\civledger.exe"
  Delete "$INSTDIR\civledger-cli.exe"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"

  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${APP_KEY}"
  ReadRegStr $0 HKCU "${FOLDER_VERB_KEY}\command" ""
  ${If} $0 != ""
    DeleteRegKey HKCU "${FOLDER_VERB_KEY}"
    System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  ${EndIf}
SectionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Function un.onUninstSuccess
  ; Said plainly, because clerks fear losing years of evidence when removing a program.
  MessageBox MB_ICONINFORMATION "${APP_NAME} 已卸载。$\r$\n$\r$\n您的资料库和设置没有删除（默认资料库位于 $LOCALAPPDATA\${APP_ID}）。重新安装后可以继续使用。" /SD IDOK
FunctionEnd
