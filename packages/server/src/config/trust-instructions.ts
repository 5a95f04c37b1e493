/**
 * How to make browsers and Node trust the local CA, printed on first start.
 */

/** `path` as one shell word. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/**
 * A few lines telling how to trust the local CA at `caCertPath`: Debian/Ubuntu system store,
 * Chrome/Chromium's NSS database on Linux, macOS keychain, Firefox, and Node.js.
 *
 * @example
 * ```ts
 * console.log(trustInstructions(dataDir.tls.caCertPath));
 * ```
 * @public
 */
export function trustInstructions(caCertPath: string): string {
  const ca = shellWord(caCertPath);
  return [
    `Browsers need to trust the local CA ${ca} for https:// and wss:// (then restart the browser):`,
    `  Debian/Ubuntu:   sudo cp ${ca} /usr/local/share/ca-certificates/denwa-local-ca.crt && sudo update-ca-certificates`,
    `  Chrome/Chromium: certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n denwa -i ${ca}   (Linux, libnss3-tools)`,
    `  macOS:           sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${ca}`,
    `  Firefox:         Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import`,
    `  Node.js:         NODE_EXTRA_CA_CERTS=${ca} node your-app.js`,
  ].join('\n');
}
