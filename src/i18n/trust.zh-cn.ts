import type { Translation } from './translation.js';

/** Simplified Chinese for /trust. */
export const trustZhCN: Translation['trust'] = {
  title: '信任这台 Dialtone 服务器',
  intro:
    '这台 Dialtone 服务器用它自己的小型证书颁发机构签发的证书加密所有通信。在每台设备上安装一次该机构的根证书，然后通过 HTTPS 打开 Dialtone。',
  downloadCrt: '证书（.crt）：Android、Windows、Linux',
  downloadProfile: '描述文件（.mobileconfig）：iPhone、iPad、Mac',
  fingerprint: 'SHA-256 指纹',
  fingerprintHint:
    '服务器在日志中打印了同一个指纹（docker compose logs setup）；信任之前请核对两者。',
  stepsTitle: '各设备的步骤',
  android: 'Android',
  androidSteps: '下载 .crt，然后打开“设置 › 安全 › 加密与凭据 › 安装证书 › CA 证书”，选择该文件。',
  ios: 'iPhone 和 iPad',
  iosSteps:
    '在 Safari 中下载描述文件并允许。打开“设置 › 已下载描述文件 › 安装”。然后在“设置 › 通用 › 关于本机 › 证书信任设置”中为“Dialtone Local CA”打开完全信任。',
  windows: 'Windows',
  windowsSteps:
    '打开 .crt › 安装证书… › 当前用户 › 将所有的证书都放入下列存储 › 受信任的根证书颁发机构。然后重启浏览器。',
  macos: 'macOS',
  macosSteps:
    '打开描述文件并在“系统设置 › 隐私与安全性 › 描述文件”中安装，或在“钥匙串访问”中打开 .crt，将“使用此证书时”设为“始终信任”。',
  linux: 'Linux 和 Firefox',
  linuxSteps:
    'Firefox（所有系统）：设置 › 隐私与安全 › 证书 › 查看证书 › 证书颁发机构 › 导入，并勾选“信任由此证书颁发机构来标识网站”。Linux 上的 Chromium：设置 › 隐私和安全 › 安全 › 管理证书 › 授权机构 › 导入。',
  qrTitle: '然后打开 Dialtone',
  qrHint: '用手机相机扫描二维码，或输入 {url}',
  qrAlt: '{url} 的二维码',
  checkTitle: '这个浏览器信任它吗？',
  checking: '正在检查…',
  trusted: '是的：这个浏览器信任该证书。现在可以打开 {url}',
  untrusted: '还没有：这个浏览器尚不信任该证书。',
  checkAgain: '再次检查',
};
