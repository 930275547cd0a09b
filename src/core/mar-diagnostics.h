/* mar-diagnostics.h — what hospital IT checks on a terminal
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three checks behind the IT screen and `marctl diagnose`/`backup`:
 *
 * - Test connection: GET [base]/metadata with the sync settings, TLS
 *   verification on as always (mar-http.h). The outcome is said in words IT
 *   acts on (certificate expired, wrong host name, unknown CA...), with the
 *   HTTP status, the server's clock skew (its Date header) and what its
 *   CapabilityStatement says about the resources and interactions
 *   FHIR-PROFILE.md needs.
 * - Database health: sizes (database and WAL), PRAGMA quick_check or
 *   integrity_check, the schema version, the last backup, counts of what the
 *   cache holds.
 * - Backup: the SQLite online backup API into a temporary file beside the
 *   target, checked (quick_check) and synced before it is renamed into place,
 *   so the target is either the previous file or a whole, verified copy.
 */

#pragma once

#include <gio/gio.h>

#include "mar-config.h"
#include "mar-http.h"
#include "mar-store.h"

G_BEGIN_DECLS

#define MAR_DIAGNOSTICS_ERROR (mar_diagnostics_error_quark ())

typedef enum
{
  MAR_DIAGNOSTICS_ERROR_FAILED,       /* anything not listed below */
  MAR_DIAGNOSTICS_ERROR_LIVE_DATABASE,/* the backup target is the live database (or its WAL) */
  MAR_DIAGNOSTICS_ERROR_WRITE,        /* the target's folder cannot be written: missing, no permission */
  MAR_DIAGNOSTICS_ERROR_FULL,         /* the disk (or the file size limit) is full */
  MAR_DIAGNOSTICS_ERROR_READ,         /* the live database could not be read */
  MAR_DIAGNOSTICS_ERROR_CORRUPT,      /* not a database, or it failed its integrity check */
} MarDiagnosticsError;

GQuark mar_diagnostics_error_quark (void);

/* ------------------------------------------------------------------------ */
/* Test connection                                                          */

typedef enum
{
  MAR_CONNECTION_OK = 0,
  MAR_CONNECTION_CONFIG,           /* the settings cannot work (not https, a missing file, a bad pin) */
  MAR_CONNECTION_CERT_EXPIRED,
  MAR_CONNECTION_WRONG_HOST,
  MAR_CONNECTION_UNKNOWN_CA,
  MAR_CONNECTION_PIN_MISMATCH,
  MAR_CONNECTION_CLIENT_CERT,
  MAR_CONNECTION_REFUSED,          /* refused, unreachable, unknown host */
  MAR_CONNECTION_TIMEOUT,
  MAR_CONNECTION_LOST,             /* cut off, or a TLS handshake failure */
  MAR_CONNECTION_AUTH,             /* 401/403 or the token endpoint refused us */
  MAR_CONNECTION_HTTP_ERROR,       /* another status than 2xx */
  MAR_CONNECTION_NOT_FHIR,         /* an answer that is not a FHIR CapabilityStatement */
  MAR_CONNECTION_CANCELLED,
} MarConnectionOutcome;

/* Whether the TLS handshake got through (the server's certificate was trusted). */
gboolean    mar_connection_outcome_tls_ok   (MarConnectionOutcome outcome);
/* A short title: "Connected", "Certificate expired"… (translated). */
const char *mar_connection_outcome_to_title (MarConnectionOutcome outcome);

typedef struct
{
  MarConnectionOutcome outcome;
  char      *message;            /* what happened and what to do, in words (translated) */
  char      *detail;             /* (nullable) the underlying error, for the log */
  guint      http_status;        /* 0 when no answer came */
  gint64     elapsed_ms;
  gboolean   clock_skew_known;
  gint64     clock_skew;         /* the server's clock minus the terminal's, seconds */
  /* The CapabilityStatement (when one came) */
  gboolean   capability_read;
  char      *fhir_version;       /* (nullable) */
  char      *software_name;      /* (nullable) */
  char      *software_version;   /* (nullable) */
  /* (element-type utf8) what FHIR-PROFILE.md needs that the statement does
   * not declare: "AdverseEvent: create", "Patient: search"… Empty when
   * everything is there. */
  GPtrArray *missing;
} MarConnectionTest;

void               mar_connection_test_free (MarConnectionTest *test);
/* TRUE when connected, trusted, a 2xx FHIR answer, and nothing missing. */
gboolean           mar_connection_test_is_ok (const MarConnectionTest *test);

/* Always returns a result (transfer full); problems are in its outcome.
 * Blocks: run it in a thread in the GUI. */
MarConnectionTest *mar_diagnostics_test_connection (const MarHttpConfig *config,
                                                    GCancellable        *cancellable);
/* With the [server] settings of @config. */
MarConnectionTest *mar_diagnostics_test_connection_with_config (MarConfig    *config,
                                                                GCancellable *cancellable);

/* What the statement lacks of what FHIR-PROFILE.md needs (element-type
 * utf8); also used on a statement read from a file. */
GPtrArray         *mar_diagnostics_capability_missing (JsonNode *capability_statement);

/* ------------------------------------------------------------------------ */
/* Database health                                                          */

typedef enum
{
  MAR_INTEGRITY_NONE = 0,   /* sizes and counts only */
  MAR_INTEGRITY_QUICK,      /* PRAGMA quick_check: structure, seconds on a large file */
  MAR_INTEGRITY_FULL,       /* PRAGMA integrity_check: also every index against its table */
} MarIntegrityCheck;

typedef struct
{
  const char *name;          /* "patients", "administrations"… (the table) */
  const char *label;         /* "Patients", "Administrations"… (translated) */
  gint64      count;
} MarDatabaseCount;

typedef struct
{
  char              *path;
  gint64             size;            /* bytes of the database file */
  gint64             wal_size;        /* bytes of its -wal file; 0 when none */
  int                schema_version;
  MarIntegrityCheck  checked;         /* which check ran */
  gboolean           integrity_ok;    /* meaningful when checked != NONE */
  char              *integrity_result;/* "ok", or the first problems SQLite found */
  gint64             last_backup;     /* Unix seconds, or 0 when never */
  char              *last_backup_path;/* (nullable) */
  GArray            *counts;          /* (element-type MarDatabaseCount) */
} MarDatabaseHealth;

void               mar_database_health_free (MarDatabaseHealth *health);

MarDatabaseHealth *mar_diagnostics_check_database (MarStore          *store,
                                                   MarIntegrityCheck  check,
                                                   GError           **error);

/* Opens any database file read-only and runs the check: TRUE when SQLite
 * says "ok"; FALSE with MAR_DIAGNOSTICS_ERROR_CORRUPT naming the first
 * problems otherwise. @check must not be MAR_INTEGRITY_NONE. */
gboolean           mar_diagnostics_check_file     (const char        *path,
                                                   MarIntegrityCheck  check,
                                                   GError           **error);

/* ------------------------------------------------------------------------ */
/* Backup                                                                   */

/* Settings (mar_store_dup_setting) the last backup is recorded in. */
#define MAR_DIAGNOSTICS_SETTING_LAST_BACKUP      "diagnostics-last-backup"
#define MAR_DIAGNOSTICS_SETTING_LAST_BACKUP_PATH "diagnostics-last-backup-path"

/* Copies @store's database to @target (replacing a file there, never the
 * live database), verifies the copy and records the time in the store.
 * @size (nullable): the copy's size in bytes. Blocks: run it in a thread
 * with its own store in the GUI. */
gboolean           mar_diagnostics_backup         (MarStore     *store,
                                                   const char   *target,
                                                   gint64       *size,
                                                   GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarConnectionTest, mar_connection_test_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarDatabaseHealth, mar_database_health_free)

G_END_DECLS
