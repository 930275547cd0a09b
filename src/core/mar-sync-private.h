/* mar-sync-private.h — what mar-sync.c, mar-sync-pull.c and mar-sync-push.c share
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mar-store-private.h"
#include "mar-sync.h"

G_BEGIN_DECLS

/* Settings rows (mar_store_set_setting) the sync keeps. */
#define SYNC_SETTING_SCOPE          "sync-scope"
#define SYNC_SETTING_UNIT_LOCATIONS "sync-unit-locations"
#define SYNC_SETTING_LAST_PUSH      "sync-last-push"
#define SYNC_SETTING_LAST_ATTEMPT   "sync-last-attempt"
#define SYNC_SETTING_LAST_ERROR     "sync-last-error"
#define SYNC_SETTING_SKEW           "sync-clock-skew"
#define SYNC_SETTING_SKEW_AT        "sync-clock-skew-at"

struct _MarSync
{
  MarStore            *store;
  MarHttpClient       *client;
  char                *unit_location;
  guint                page_size;
  guint                patients_per_query;
  gint64               max_push_wait;
  GTimeZone           *time_zone;
  MarHttpClock         clock;
  MarSyncProgressFunc  progress;
  gpointer             progress_data;

  /* One run. */
  GCancellable        *cancellable;
  MarSyncReport       *report;
  gint64               server_now;      /* the first Date header of the run, Unix s; 0 unknown */
  gint64               skew_sum;
  guint                skew_count;
  /* sync_watermarks rows written together at the end of the pull (one
   * commit instead of one per search; losing them costs only overlap). */
  GHashTable          *searched;
};

/* The terminal's clock (or the test's), Unix seconds. */
gint64     mar_sync_now               (MarSync               *sync);
/* Waits @seconds on the sync's clock; FALSE when cancelled. */
gboolean   mar_sync_sleep             (MarSync               *sync,
                                       gint64                 seconds);
/* Notes the server's Date header: clock skew, and "now" on the server. */
void       mar_sync_note_response     (MarSync               *sync,
                                       const MarHttpResponse *response);
/* The server's "now" for this run: its first Date header (the terminal's
 * clock corrected by the measured skew when it sent none). */
gint64     mar_sync_server_now        (MarSync               *sync);

/* Structured log (journal fields MAR_SYNC_EVENT and @fields, "KEY=value"
 * strings, NULL-terminated); @message must hold no patient data. */
void       mar_sync_log               (GLogLevelFlags         level,
                                       const char            *event,
                                       const char            *message,
                                       ...) G_GNUC_NULL_TERMINATED;

/* Phases, run under the lock (mar-sync-pull.c, mar-sync-push.c). */
gboolean   mar_sync_pull_locked       (MarSync               *sync,
                                       GError               **error);
gboolean   mar_sync_push_locked       (MarSync               *sync,
                                       GError               **error);

/* ---- Store helpers (mar-sync.c) ---- */

/* Drops every watermark (another server or unit: a full pull again). */
gboolean   mar_sync_store_clear_watermarks (MarStore    *store,
                                            const char  *key,
                                            GError     **error);
/* Whether an unresolved quarantine entry already holds this version. */
gboolean   mar_sync_store_is_quarantined   (MarStore    *store,
                                            const char  *resource_type,
                                            const char  *resource_id,
                                            const char  *version,
                                            gboolean    *quarantined,
                                            GError     **error);
/* Lifts every open quarantine of a resource (deleted on the server, or
 * stored after all). */
gboolean   mar_sync_store_release_quarantine (MarStore   *store,
                                              const char *resource_type,
                                              const char *resource_id,
                                              GError    **error);
typedef struct
{
  char *resource_type;
  char *resource_id;
  char *json;
} MarSyncQuarantined;
void       mar_sync_quarantined_free       (MarSyncQuarantined *entry);
/* (element-type MarSyncQuarantined) open entries that kept their JSON. */
GPtrArray *mar_sync_store_list_quarantined_json (MarStore  *store,
                                                 GError   **error);
/* Whether @uuid (no "urn:uuid:" prefix) names a resource of this
 * terminal's outbox or a local administration row. */
gboolean   mar_sync_store_is_own_resource  (MarStore    *store,
                                            const char  *uuid,
                                            gboolean    *own,
                                            GError     **error);
/* (element-type utf8) patients whose full pull is still due. */
GPtrArray *mar_sync_store_list_incomplete_patients (MarStore  *store,
                                                    GError   **error);
/* Patients with an in-progress Encounter at one of @locations (a set). */
GHashTable *mar_sync_store_patients_at     (MarStore    *store,
                                            GHashTable  *locations,
                                            GError     **error);
/* The unit's Location and every Location below it (partOf), as a set of
 * ids; NULL with MAR_SYNC_ERROR_UNIT_UNKNOWN when @unit names none. */
GHashTable *mar_sync_store_unit_locations  (MarStore    *store,
                                            const char  *unit,
                                            char       **unit_id,
                                            GError     **error);
/* The earliest retry of a pending outbox entry due after @now; 0 when
 * none (entries waiting for a parked one never come due by themselves). */
gboolean   mar_sync_store_next_push        (MarStore    *store,
                                            gint64       now,
                                            gint64      *when,
                                            GError     **error);

G_END_DECLS
