/**
 * English sentences of call verification (issue 23, client/verify/): the keys define what every
 * language translates (`verify` in translation.ts). Placeholders are filled by `format`.
 */
export const verifyEn = {
  verifyButton: 'Verify',
  verifyTitle: 'Verify this call',
  verifyWaiting: 'Waiting for the code from {peer}’s side…',
  verifyUnverified: 'Not verified yet. Compare the pictures with {peer}.',
  verifyNewDevice:
    'Not verified yet on these devices: you verified {peer} before, but one of you has a new device or cleared the browser’s data. Compare the pictures again.',
  verifyVerified: 'Verified: you compared codes with {peer} on these devices.',
  verifyJustVerified: 'Verified. Next time these devices are recognised.',
  verifyCode: 'Verification code',
  verifyHowTo:
    'Read the pictures aloud to each other. They are new for every call and never pass through the server.',
  verifyQuestion: 'Does {peer} see the same?',
  verifyMatch: 'Match',
  verifyMismatch: 'Doesn’t match',
  verifyMismatchWarning:
    'The codes did not match, so the call was ended: someone may have been listening in. Do not trust this connection until you know why; meet or call another way to compare.',
  verifyPeerMismatch:
    '{peer} said the codes did not match: someone may have been listening in. Do not trust this connection until you know why.',
  verifyFailed:
    'This call could not be verified: the other side broke the verification protocol. Someone may be interfering with the call.',
  verifyUnavailable: 'This browser cannot verify calls.',
};
