// The webhook's TLS material: a self-signed CA and a serving certificate for the Service DNS
// names, ECDSA P-256 with SHA-256. Keys and signatures come from node:crypto; the X.509
// structures (RFC 5280) are encoded with @peculiar/asn1-x509.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';

export interface GeneratedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface WebhookTls {
  readonly ca: GeneratedCertificate;
  readonly serving: GeneratedCertificate;
}

export interface WebhookTlsOptions {
  /** DNS names of the serving certificate (first one is the subject CN). */
  readonly dnsNames: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Validity in days (default 3650 for the CA, 825 for the serving certificate). */
  readonly caDays?: number;
  readonly servingDays?: number;
  readonly now?: Date;
}

function name(cn: string): Name {
  return new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type: ORGANIZATION, value: new AttributeValue({ utf8String: 'Bosun' }) }),
    ]),
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type: COMMON_NAME, value: new AttributeValue({ utf8String: cn }) }),
    ]),
  ]);
}

function ext(id: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function keyId(publicKey: KeyObject): Uint8Array {
  // RFC 5280 §4.2.1.2 method 1 uses SHA-1 of the key; SHA-256 truncated to 160 bits is allowed by RFC 7093.
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest().subarray(0, 20);
}

function pem(label: string, der: ArrayBuffer | Buffer): string {
  const b64 = Buffer.from(der as ArrayBuffer).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/gu)!.join('\n')}\n-----END ${label}-----\n`;
}

function serial(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive INTEGER
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

function issue(options: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signer: KeyObject;
  issuerKey: KeyObject;
  ca: boolean;
  days: number;
  now: Date;
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}): string {
  const notBefore = new Date(options.now.getTime() - 5 * 60_000);
  const notAfter = new Date(options.now.getTime() + options.days * 86_400_000);
  const usage = options.ca
    ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature
    : KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment;
  const extensions: Extension[] = [
    ext(
      id_ce_basicConstraints,
      true,
      new BasicConstraints({ cA: options.ca, ...(options.ca ? { pathLenConstraint: 0 } : {}) }),
    ),
    ext(id_ce_keyUsage, true, new KeyUsage(usage)),
    ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(options.publicKey))),
    ext(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId(options.issuerKey)) }),
    ),
  ];
  if (!options.ca) {
    extensions.push(ext(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])));
    const names = [
      ...(options.dnsNames ?? []).map((d) => new GeneralName({ dNSName: d })),
      ...(options.ipAddresses ?? []).map((ip) => new GeneralName({ iPAddress: ip })),
    ];
    extensions.push(ext(id_ce_subjectAltName, false, new SubjectAlternativeName(names)));
  }
  const algorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbs = new TBSCertificate({
    version: 2,
    serialNumber: serial(),
    signature: algorithm,
    issuer: name(options.issuer),
    subject: name(options.subject),
    validity: new Validity({ notBefore, notAfter }),
    subjectPublicKeyInfo: AsnConvert.parse(
      options.publicKey.export({ type: 'spki', format: 'der' }),
      SubjectPublicKeyInfo,
    ),
    extensions: new Extensions(extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign('sha256', tbsDer, options.signer); // DER ECDSA-Sig-Value, as X.509 wants
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: algorithm,
    signatureValue: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength),
  });
  return pem('CERTIFICATE', AsnConvert.serialize(cert));
}

/** A fresh CA and a serving certificate signed by it. */
export function generateWebhookTls(options: WebhookTlsOptions): WebhookTls {
  const now = options.now ?? new Date();
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const srvKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caCert = issue({
    subject: 'Bosun webhook CA',
    issuer: 'Bosun webhook CA',
    publicKey: caKeys.publicKey,
    signer: caKeys.privateKey,
    issuerKey: caKeys.publicKey,
    ca: true,
    days: options.caDays ?? 3650,
    now,
  });
  const servingCert = issue({
    subject: options.dnsNames[0] ?? 'bosun-webhook',
    issuer: 'Bosun webhook CA',
    publicKey: srvKeys.publicKey,
    signer: caKeys.privateKey,
    issuerKey: caKeys.publicKey,
    ca: false,
    days: options.servingDays ?? 825,
    now,
    dnsNames: options.dnsNames,
    ...(options.ipAddresses === undefined ? {} : { ipAddresses: options.ipAddresses }),
  });
  const keyPem = (k: KeyObject): string => k.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    ca: { certPem: caCert, keyPem: keyPem(caKeys.privateKey) },
    serving: { certPem: servingCert, keyPem: keyPem(srvKeys.privateKey) },
  };
}
