/* mar-sync.h — the terminal's cache and outbox kept in step with the FHIR server
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One sync run pushes the outbox, then pulls what changed on the hospital's
 * FHIR R4 server (../shared/FHIR-PROFILE.md, "Incremental pull" and
 * "Written (push)"); docs/sync.md describes the queries, the watermarks and
 * what the server must honour.
 *
 * - Pull: the catalog (Location, Medication, Practitioner, PractitionerRole)
 *   whole; with [unit] location set, the unit's in-progress Encounters and
 *   then only the patients on the unit with their orders, allergies,
 *   weights, dispenses and administrations; without it, every patient.
 *   Pages are sorted by _lastUpdated and each is stored in one transaction
 *   together with its watermark (the newest meta.lastUpdated it held, the
 *   server's clock), so an interrupted pull resumes where it stopped. A
 *   patient new on the unit is PATIENT_DATA_INCOMPLETE until their full pull
 *   is stored; a resource that breaks the profile is quarantined and its
 *   patient DATA_REJECTED, the rest is applied.
 * - Push: each outbox entry, oldest first and dependencies first, as a
 *   conditional create (If-None-Exist on its urn:uuid identifier) or an
 *   update (If-Match on the server's version), so a retry after a lost answer
 *   never makes a second copy. Trouble on the way (network, timeouts, 5xx,
 *   429, broken answers) leaves the entry pending with a backoff that
 *   honours Retry-After; a refusal (4xx) parks it with the server's message.
 * - Safety facts: the time of the last successful pull (CACHE_STALE) and the
 *   clock skew read from the server's Date header (CLOCK_SKEW).
 *
 * One sync at a time per database: a run holds an flock(2) on a lock file
 * beside the database (the bedside app and the sync service share it); a
 * second run fails at once with MAR_SYNC_ERROR_BUSY.
 *
 * Logs are structured (journal fields MAR_SYNC_*) and name resource types,
 * counts and durations only, never patients or resource ids.
 *
 * A MarSync is used by one thread at a time, with its own MarStore
 * connection (mar-store.h).
 */

#pragma once

#include <gio/gio.h>

#include "mar-config.h"
#include "mar-fhir.h"
#include "mar-http.h"
#include "mar-store.h"
#include "mar-verifier.h"

G_BEGIN_DECLS

#define MAR_SYNC_ERROR (mar_sync_error_quark ())

typedef enum
{
  MAR_SYNC_ERROR_BUSY,          /* another sync of this database is running */
  MAR_SYNC_ERROR_LOCK,          /* the lock file beside the database cannot be made */
  MAR_SYNC_ERROR_CONFIG,        /* a [unit] or [sync] setting that cannot work */
  MAR_SYNC_ERROR_UNIT_UNKNOWN,  /* [unit] location names no Location the server has */
  MAR_SYNC_ERROR_BAD_BUNDLE,    /* a search or history answer that is not the Bundle FHIR promises */
  MAR_SYNC_ERROR_INCOMPLETE,    /* the pull ran but could not store everything (see the message) */
} MarSyncError;

GQuark mar_sync_error_quark (void);

/* Defaults (docs/sync.md). */
#define MAR_SYNC_DEFAULT_INTERVAL      60         /* [sync] interval, seconds */
#define MAR_SYNC_DEFAULT_STALE_AFTER   (15 * 60)  /* [sync] stale-after, seconds */
#define MAR_SYNC_DEFAULT_PAGE_SIZE     500        /* [sync] page-size: _count */
#define MAR_SYNC_OVERLAP               (5 * 60)   /* FHIR-PROFILE.md: watermark − 5 min */
#define MAR_SYNC_ADMINISTRATION_WINDOW (72 * 3600)

typedef struct
{
  /* [unit] location: the Location id (or an identifier value, or
   * system|value) of the unit this terminal serves; NULL pulls every
   * patient of the server (a hospital-wide terminal). */
  const char *unit_location;
  guint       page_size;            /* _count; 0: MAR_SYNC_DEFAULT_PAGE_SIZE */
  /* Patients named in one search (subject=a,b,…). A unit with more is
   * searched in several parts that share one watermark. 0: 100. */
  guint       patients_per_query;
  /* The longest one push waits in total for retries (Retry-After, backoff)
   * before leaving the rest for the next run, seconds; < 0: 30. */
  gint64      max_push_wait;
  /* The unit's time zone for dates without an offset; NULL: local. */
  GTimeZone  *time_zone;
} MarSyncOptions;

typedef struct
{
  guint created;
  guint updated;
  guint unchanged;     /* re-read by the overlap or a retried page: skipped by id + version */
  guint removed;       /* deleted on the server (history) */
  guint quarantined;   /* broke the profile, or referred to nothing */
} MarSyncTypeCounts;

typedef struct
{
  MarSyncTypeCounts counts[MAR_FHIR_N_RESOURCE_TYPES];  /* by MarFhirResourceType */
  guint    pages;             /* search and history pages read */
  guint    arrivals;          /* patients new on the unit, fully pulled */
  guint    own_skipped;       /* administrations this terminal charted, read back */
  guint    released;          /* quarantined resources now stored (fixed, or their reference arrived) */
  guint    pushed;            /* outbox entries the server accepted */
  guint    push_parked;       /* refused by the server (4xx): parked for IT */
  guint    push_retries;      /* transient failures (each one retried later) */
  guint    push_pending;      /* left in the outbox for a later run */
  gboolean pull_complete;     /* everything was pulled: the last sync time moved */
  gboolean clock_skew_known;
  gint64   clock_skew;        /* server − terminal, seconds */
  gint64   next_push;         /* earliest next attempt of a pending entry; 0: none */
} MarSyncReport;

/* Called after each stored page: the resource type and how many entries
 * the page held. The bedside app shows progress with it. */
typedef void (*MarSyncProgressFunc) (const char *resource_type,
                                     guint       entries,
                                     gpointer    user_data);

typedef struct _MarSync MarSync;

/* @client: (transfer full). The store is referenced. */
MarSync       *mar_sync_new              (MarStore             *store,
                                          MarHttpClient        *client,
                                          const MarSyncOptions *options);
/* The client from [server], the options from [unit] and [sync]. */
MarSync       *mar_sync_new_from_config  (MarStore             *store,
                                          MarConfig            *config,
                                          GError              **error);
void           mar_sync_free             (MarSync              *sync);
/* Where time is read and waited (tests); also given to the HTTP client. */
void           mar_sync_set_clock        (MarSync              *sync,
                                          const MarHttpClock   *clock);
void           mar_sync_set_progress_func (MarSync             *sync,
                                           MarSyncProgressFunc  func,
                                           gpointer             user_data);
MarStore      *mar_sync_get_store        (MarSync              *sync);

/* Push, then pull, under the lock. FALSE when either failed; @report
 * (nullable) says what was done, also on failure. A push problem does not
 * stop the pull, nor the reverse; the error is the first one met. */
gboolean       mar_sync_run              (MarSync              *sync,
                                          MarSyncReport        *report,
                                          GCancellable         *cancellable,
                                          GError              **error);
gboolean       mar_sync_pull             (MarSync              *sync,
                                          MarSyncReport        *report,
                                          GCancellable         *cancellable,
                                          GError              **error);
/* TRUE when the push ran, even if entries stay pending or were parked
 * (the report counts them); FALSE for the lock, the database, or
 * credentials/TLS problems that concern every entry. */
gboolean       mar_sync_push             (MarSync              *sync,
                                          MarSyncReport        *report,
                                          GCancellable         *cancellable,
                                          GError              **error);

/* ---- Options from the configuration ---- */

typedef struct
{
  char   *unit_location;   /* [unit] location, or NULL */
  guint   interval;        /* [sync] interval, seconds (10–86400) */
  guint   stale_after;     /* [sync] stale-after, seconds (60–86400) */
  guint   page_size;       /* [sync] page-size (10–1000) */
} MarSyncSettings;

gboolean       mar_sync_settings_load    (MarConfig            *config,
                                          MarSyncSettings      *settings,
                                          GError              **error);
void           mar_sync_settings_clear   (MarSyncSettings      *settings);

/* ---- What the last runs left (marctl status, the bedside app) ---- */

typedef struct
{
  gint64  last_pull;          /* last complete pull (= mar_store_get_last_sync), or MAR_TIME_UNSET */
  gint64  last_push;          /* last push that left nothing ready to send, or MAR_TIME_UNSET */
  gint64  last_attempt;       /* last run, whatever its outcome, or MAR_TIME_UNSET */
  char   *last_error;         /* (nullable) why the last run failed */
  gboolean clock_skew_known;
  gint64  clock_skew;         /* server − terminal, seconds */
  gint64  clock_skew_measured;/* when, terminal clock */
  char   *scope;              /* (nullable) the server and unit the watermarks belong to */
} MarSyncState;

typedef struct
{
  char   *key;                /* "MedicationRequest", "Encounter@unit", "Patient/_history"… */
  char   *watermark;          /* meta.lastUpdated as the server wrote it */
  gint64  updated_at;
} MarSyncWatermark;

MarSyncState  *mar_sync_state_load       (MarStore             *store,
                                          GError              **error);
void           mar_sync_state_free       (MarSyncState         *state);
/* (element-type MarSyncWatermark) */
GPtrArray     *mar_sync_list_watermarks  (MarStore             *store,
                                          GError              **error);
void           mar_sync_watermark_free   (MarSyncWatermark     *watermark);

/* The clock skew the last sync measured (RULES.md CLOCK_SKEW). */
gboolean       mar_sync_load_clock_skew  (MarStore             *store,
                                          gboolean             *known,
                                          gint64               *skew,
                                          GError              **error);
/* Gives @verifier what the sync measured: call before verifying (the
 * last sync time it reads from the store itself). */
gboolean       mar_sync_update_verifier  (MarVerifier          *verifier,
                                          GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarSync, mar_sync_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarSyncState, mar_sync_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarSyncWatermark, mar_sync_watermark_free)

G_END_DECLS
