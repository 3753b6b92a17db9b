/**
 * Cluster policy (documented `GET/PUT /v1/cluster/policy`, the
 * cluster_settings object). PUT merges the given fields. The double checks
 * the types of the fields it models and keeps (and echoes) others as sent.
 * `data_internode_encryption` is the default of new databases' own
 * `data_internode_encryption` (bdbs.ts applies it). `shards_overbooking`
 * comes from the bootstrap policy (documented default true: databases'
 * memory_size is ignored during shard placement, so no memory check).
 */
import { schemaError } from './errors';

const DEFAULTS: Record<string, unknown> = {
  data_internode_encryption: false,
  db_conns_auditing: false,
  default_non_sharded_proxy_policy: 'single',
  default_sharded_proxy_policy: 'all-master-shards',
  default_shards_placement: 'dense',
  redis_upgrade_policy: 'major',
  shards_overbooking: true,
};

const PROXY_POLICIES = ['single', 'all-master-shards', 'all-nodes'];
const ENUMS: Record<string, readonly string[]> = {
  default_non_sharded_proxy_policy: PROXY_POLICIES,
  default_sharded_proxy_policy: PROXY_POLICIES,
  default_shards_placement: ['dense', 'sparse'],
  redis_upgrade_policy: ['major', 'latest'],
};

export class ClusterPolicyStore {
  private settings: Record<string, unknown>;
  /** Successful PUTs (tests count writes with it). */
  updates = 0;

  constructor(atBootstrap: { shardsOverbooking: boolean }) {
    this.settings = { ...DEFAULTS, shards_overbooking: atBootstrap.shardsOverbooking };
  }

  json(): Record<string, unknown> {
    return { ...this.settings };
  }

  get dataInternodeEncryption(): boolean {
    return this.settings.data_internode_encryption === true;
  }

  get shardsOverbooking(): boolean {
    return this.settings.shards_overbooking === true;
  }

  update(body: Record<string, unknown>): void {
    for (const key of ['data_internode_encryption', 'db_conns_auditing', 'shards_overbooking']) {
      if (key in body && typeof body[key] !== 'boolean') throw schemaError(`${key} must be a boolean`);
    }
    for (const [key, values] of Object.entries(ENUMS)) {
      if (key in body && !values.includes(body[key] as string)) throw schemaError(`${key} must be one of ${values.join(', ')}`);
    }
    this.settings = { ...this.settings, ...body };
    this.updates++;
  }
}
