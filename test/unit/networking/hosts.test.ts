import { databaseHost, ExternalAccessMethod, isValidDbFqdnSuffix, isValidHost, maxDatabaseNameLength } from '../../../lib/networking';

test.each([
  ['api.example.com', true],
  ['a.b', true],
  ['x-1.db.rec1.example.com', true],
  [`${'a'.repeat(63)}.example.com`, true],
  [`${'a'.repeat(64)}.example.com`, false],
  [`${'a.'.repeat(125)}com`, true], // 253 characters
  [`${'a.'.repeat(126)}com`, false],
  ['api', false],
  ['', false],
  ['API.example.com', false],
  ['-api.example.com', false],
  ['api-.example.com', false],
  ['api..example.com', false],
  ['api.example.com.', false],
  ['*.example.com', false],
  ['192.168.1.1', false],
  ['api_x.example.com', false],
])('isValidHost(%j) is %s', (host, valid) => {
  expect(isValidHost(host)).toBe(valid);
});

test('isValidHost refuses non-strings', () => {
  expect(isValidHost(undefined as unknown as string)).toBe(false);
  expect(isValidHost(42 as unknown as string)).toBe(false);
});

test.each([
  ['.db.example.com', true],
  ['-db.example.com', true],
  // Syntax, not policy: '<db>.com' is a valid host.
  ['.com', true],
  ['db.example.com', false],
  ['.', false],
  ['-', false],
  ['', false],
])('isValidDbFqdnSuffix(%j)', (suffix, valid) => {
  expect(isValidDbFqdnSuffix(suffix)).toBe(valid);
});

test('databaseHost appends the suffix to the database name', () => {
  const access = { method: ExternalAccessMethod.INGRESS, apiFqdn: 'api.example.com', dbFqdnSuffix: '.db.example.com' };
  expect(databaseHost(access, 'orders')).toBe('orders.db.example.com');
  expect(databaseHost({ ...access, dbFqdnSuffix: '-db.example.com' }, 'orders')).toBe('orders-db.example.com');
});

test('maxDatabaseNameLength: a "." suffix leaves the whole label, a "-" suffix shares it', () => {
  const access = { method: ExternalAccessMethod.INGRESS, apiFqdn: 'api.example.com', dbFqdnSuffix: '.db.example.com' };
  expect(maxDatabaseNameLength(access)).toBe(63);
  const dash = { ...access, dbFqdnSuffix: '-db.example.com' };
  expect(maxDatabaseNameLength(dash)).toBe(60);
  expect(isValidHost(databaseHost(dash, 'a'.repeat(60)))).toBe(true);
  expect(isValidHost(databaseHost(dash, 'a'.repeat(61)))).toBe(false);
  const long = { ...access, dbFqdnSuffix: `.${'b.'.repeat(120)}com` }; // 244 characters
  expect(maxDatabaseNameLength(long)).toBe(253 - long.dbFqdnSuffix.length);
  expect(isValidHost(databaseHost(long, 'a'.repeat(maxDatabaseNameLength(long))))).toBe(true);
  expect(isValidHost(databaseHost(long, 'a'.repeat(maxDatabaseNameLength(long) + 1)))).toBe(false);
});
