// A throw-away certificate authority and a loopback server certificate for the fakes, made with the
// openssl CLI at test time (node:crypto makes keys but not X.509 certificates, and no dependency is
// needed for this). msal-node only talks https, so the fake token endpoint needs a certificate the
// process trusts: trustTestAuthority adds the CA to the process's default CA list at run time
// (tls.setDefaultCACertificates, Node 22.19+/24.5+), which both node:https (msal) and fetch use.
// NODE_EXTRA_CA_CERTS would do the same but is read only when a process starts, so it is kept for
// child processes (the demo and process-level tests): caFile is written for them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

export interface TestCertificates {
  readonly caPem: string;
  /** The CA in a file, for NODE_EXTRA_CA_CERTS of child processes. */
  readonly caFile: string;
  /** For 127.0.0.1 and localhost, signed by the CA. */
  readonly serverKeyPem: string;
  readonly serverCertPem: string;
  /** A client certificate and its key in one PEM file (AZURE_CLIENT_CERTIFICATE_PATH). */
  readonly clientPemFile: string;
  readonly directory: string;
}

let made: TestCertificates | undefined;

function openssl(directory: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Makes the CA and certificates once per process (about 100 ms). */
export function testCertificates(): TestCertificates {
  if (made !== undefined) return made;
  const directory = mkdtempSync(join(tmpdir(), 'fake-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(directory, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Mailbox Sync Bot test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  writeFileSync(join(directory, 'server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(directory, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  openssl(directory, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext']);
  openssl(directory, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.pem', '-days', '2', '-subj', '/CN=mailbox-sync-bot']);
  const clientPemFile = join(directory, 'client-with-key.pem');
  writeFileSync(clientPemFile, readFileSync(join(directory, 'client.pem'), 'utf8') + readFileSync(join(directory, 'client.key'), 'utf8'));
  made = {
    caPem: readFileSync(join(directory, 'ca.pem'), 'utf8'),
    caFile: join(directory, 'ca.pem'),
    serverKeyPem: readFileSync(join(directory, 'server.key'), 'utf8'),
    serverCertPem: readFileSync(join(directory, 'server.pem'), 'utf8'),
    clientPemFile,
    directory,
  };
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  return made;
}

let trusted = false;

/** Makes this process trust the test CA, on top of the bundled roots. */
export function trustTestAuthority(certificates: TestCertificates = testCertificates()): void {
  if (trusted) return;
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), certificates.caPem]);
  trusted = true;
}
