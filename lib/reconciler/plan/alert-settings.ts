/**
 * Database alerts. They are not a field of the bdb object: they are set with
 * `POST /v1/bdbs/alerts/{uid}` (a map alert name → {enabled, threshold}) and
 * read with `GET /v1/bdbs/alerts/{uid}` ("Database alerts requests"). Pure.
 */
import { DesiredAlertSetting } from '../../contract/desired-state';
import { BdbAlertSetting } from '../io/re-types';

export function desiredAlerts(alerts: DesiredAlertSetting[]): Record<string, BdbAlertSetting> {
  const body: Record<string, BdbAlertSetting> = {};
  for (const a of alerts) body[a.name] = a.threshold === undefined ? { enabled: a.enabled } : { enabled: a.enabled, threshold: a.threshold };
  return body;
}

/** The declared alerts that differ from the live ones (thresholds compare as the strings the API uses). */
export function alertsToSet(desired: Record<string, BdbAlertSetting>, observed: Record<string, BdbAlertSetting> | undefined): Record<string, BdbAlertSetting> {
  const out: Record<string, BdbAlertSetting> = {};
  for (const [name, want] of Object.entries(desired)) {
    const have = observed?.[name];
    const enabledOk = (have?.enabled ?? false) === want.enabled;
    const thresholdOk = want.threshold === undefined || String(have?.threshold ?? '') === String(want.threshold);
    if (!enabledOk || !thresholdOk) out[name] = want;
  }
  return out;
}
