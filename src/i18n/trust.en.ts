/**
 * English for /trust, the plain-HTTP page that hands a phone the local root certificate.
 * `{url}` is the HTTPS address of the call page.
 */
export const trustEn = {
  title: 'Trust this Dialtone server',
  intro:
    'This Dialtone server encrypts everything with a certificate from its own small authority. Install that authority’s root certificate once on each device, then open Dialtone over HTTPS.',
  downloadCrt: 'Certificate (.crt): Android, Windows, Linux',
  downloadProfile: 'Profile (.mobileconfig): iPhone, iPad, Mac',
  fingerprint: 'SHA-256 fingerprint',
  fingerprintHint:
    'The server printed the same fingerprint in its log (docker compose logs setup); compare the two before you trust it.',
  stepsTitle: 'Steps for your device',
  android: 'Android',
  androidSteps:
    'Download the .crt, then open Settings › Security › Encryption & credentials › Install a certificate › CA certificate, and choose the file.',
  ios: 'iPhone and iPad',
  iosSteps:
    'In Safari, download the profile and allow it. Open Settings › Profile Downloaded › Install. Then Settings › General › About › Certificate Trust Settings: switch on full trust for “Dialtone Local CA”.',
  windows: 'Windows',
  windowsSteps:
    'Open the .crt › Install Certificate… › Current User › Place all certificates in the following store › Trusted Root Certification Authorities. Restart the browser.',
  macos: 'macOS',
  macosSteps:
    'Open the profile and install it in System Settings › Privacy & Security › Profiles, or open the .crt in Keychain Access and set “When using this certificate” to Always Trust.',
  linux: 'Linux and Firefox',
  linuxSteps:
    'Firefox (every system): Settings › Privacy & Security › Certificates › View Certificates › Authorities › Import, and tick “Trust this CA to identify websites”. Chromium on Linux: Settings › Privacy and security › Security › Manage certificates › Authorities › Import.',
  qrTitle: 'Then open Dialtone',
  qrHint: 'Scan the code with the phone’s camera, or type {url}',
  qrAlt: 'QR code of {url}',
  checkTitle: 'Does this browser trust it?',
  checking: 'Checking…',
  trusted: 'Yes: this browser trusts the certificate. You can open {url}',
  untrusted: 'Not yet: this browser does not trust the certificate.',
  checkAgain: 'Check again',
};
