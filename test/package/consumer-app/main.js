// The package from plain JavaScript (CommonJS require, no TypeScript):
// one cluster and one database, synthesized to the directory in argv[2].
const { App, Chart } = require('cdk8s');
const { RedisEnterpriseCluster, RedisEnterpriseDatabase } = require('cdk8s-redis-enterprise');

const app = new App({ outdir: process.argv[2] });
const chart = new Chart(app, 'plain-js', { namespace: 'redis-js' });
const cluster = new RedisEnterpriseCluster(chart, 'rec', { persistence: { storageClassName: 'premium-rwo' } });
new RedisEnterpriseDatabase(chart, 'cache', { cluster, memorySize: '256MB' });
app.synth();
