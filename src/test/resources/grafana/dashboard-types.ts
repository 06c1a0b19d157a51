// The type every file in grafana/dashboards/ must satisfy. DashboardSchemaIT wraps each file as
//   import type { CheckedDashboard } from './dashboard-types';
//   export const d = <the JSON> satisfies CheckedDashboard;
// and compiles it with tsc --strict against @grafana/schema (the version .ci/run installs).
//
// Two things on top of @grafana/schema's Dashboard type:
//  1. Loose<T>: the schema declares many fields as TypeScript string enums (FieldColorModeId,
//     ThresholdsMode, LegendDisplayMode, ...). A JSON file can only hold the enum's string value,
//     and TypeScript does not accept a string literal for a string enum. Loose<T> replaces each
//     string enum by the union of its values (`${E}`), so "palette-classic" passes and a
//     misspelled value still fails. Everything else (unknown keys, wrong types, missing required
//     fields) is checked exactly as the schema says.
//  2. Panels are checked per type: options and fieldConfig.defaults.custom against the panel
//     plugin's own schema (TimeSeries, Table, Stat, BarGauge, StateTimeline), which the plain
//     Dashboard type leaves as Record<string, unknown>. A panel type not listed here fails.
import type { Dashboard, FieldConfig, FieldConfigSource, Panel, RowPanel } from '@grafana/schema';
import type * as timeseries from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';
import type * as table from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen';
import type * as stat from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type * as bargauge from '@grafana/schema/dist/esm/raw/composable/bargauge/panelcfg/x/BarGaugePanelCfg_types.gen';
import type * as statetimeline from '@grafana/schema/dist/esm/raw/composable/statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen';

export type Loose<T> =
  T extends string ? (string extends T ? string : `${T}`) :
  T extends number | boolean | null | undefined ? T :
  T extends ReadonlyArray<infer U> ? Array<Loose<U>> :
  T extends object ? { [K in keyof T]: Loose<T[K]> } :
  T;

/** fieldConfig with a panel plugin's custom field config and no catch-all index signature. */
type Fields<C> = Omit<FieldConfigSource, 'defaults'> & {
  defaults: Omit<FieldConfig, 'custom'> & { custom?: C };
};

/** A panel of type T with its plugin's options O and custom field config C. */
type TypedPanel<T extends string, O, C> = Omit<Panel, 'type' | 'options' | 'fieldConfig'> & {
  type: T;
  options: O;
  fieldConfig: Fields<C>;
};

type AnyPanel =
  | TypedPanel<'timeseries', timeseries.Options, timeseries.FieldConfig>
  | TypedPanel<'table', table.Options, table.FieldConfig>
  | TypedPanel<'stat', stat.Options, Record<string, never>>
  | TypedPanel<'bargauge', bargauge.Options, Record<string, never>>
  | TypedPanel<'state-timeline', statetimeline.Options, statetimeline.FieldConfig>;

export type CheckedDashboard = Loose<Omit<Dashboard, 'panels'> & { panels: Array<AnyPanel | RowPanel> }>;
