import type { verifyEn } from './verify.en.js';

/** 通话验证（issue 23）的简体中文句子：键与 verify.en.ts 相同。 */
export const verifyZhCN: Record<keyof typeof verifyEn, string> = {
  verifyButton: '验证',
  verifyTitle: '验证此通话',
  verifyWaiting: '正在等待 {peer} 一方的验证码…',
  verifyUnverified: '尚未验证。请与 {peer} 核对这些图案。',
  verifyNewDevice:
    '这些设备尚未验证：你之前验证过 {peer}，但你们之中有人换了新设备或清除了浏览器数据。请再次核对图案。',
  verifyVerified: '已验证：你曾在这些设备上与 {peer} 核对过验证码。',
  verifyJustVerified: '已验证。下次这些设备会被自动识别。',
  verifyCode: '验证码',
  verifyHowTo: '请互相大声读出这些图案。每次通话的图案都不同，且从不经过服务器。',
  verifyQuestion: '{peer} 看到的一样吗？',
  verifyMatch: '一致',
  verifyMismatch: '不一致',
  verifyMismatchWarning:
    '验证码不一致，通话已结束：可能有人在窃听。在弄清原因之前，请不要信任此连接；请当面或通过其他方式核对。',
  verifyPeerMismatch: '{peer} 表示验证码不一致：可能有人在窃听。在弄清原因之前，请不要信任此连接。',
  verifyFailed: '无法验证此通话：对方违反了验证协议。可能有人在干扰通话。',
  verifyUnavailable: '此浏览器无法验证通话。',
};
