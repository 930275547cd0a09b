/* mar-terminal.h — this bedside terminal: its configuration, cache and record
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything the screens read or write goes through the core objects held
 * here (the store, the verifier with the drug library in force, the
 * record): the bedside app is a thin layer over them (issue 7). One
 * MarTerminal per process, opened by MarApplication and shared by every
 * window and page.
 */

#pragma once

#include <glib-object.h>

#include "mar-config.h"
#include "mar-outbox.h"
#include "mar-record.h"
#include "mar-staff-auth.h"
#include "mar-verifier.h"

G_BEGIN_DECLS

/* What the header shows about sync (RULES.md CACHE_STALE: an import
 * counts as a sync). */
typedef struct
{
  gint64          last_sync;      /* MAR_TIME_UNSET: never */
  MarOutboxCounts outbox;
  gboolean        stale;          /* older than the drug library's cache-stale limit: offline */
  gint64          stale_limit;    /* seconds */
} MarSyncStatus;

/* MarSignature as a boxed type, for signals and properties. */
#define MAR_TYPE_SIGNATURE (mar_signature_get_type ())
GType mar_signature_get_type (void) G_GNUC_CONST;

#define MAR_TYPE_TERMINAL (mar_terminal_get_type ())
G_DECLARE_FINAL_TYPE (MarTerminal, mar_terminal, MAR, TERMINAL, GObject)

/* Reads the configuration (@config_path, else BEDSIDE_MAR_CONFIG, else the
 * system file) and opens the database (@db_path, else BEDSIDE_MAR_DB, else
 * the configured one). The database must exist: a bedside terminal with
 * no cache has nothing to show (IT loads it with marctl). */
MarTerminal    *mar_terminal_open              (const char   *config_path,
                                                const char   *db_path,
                                                GError      **error);

MarConfig      *mar_terminal_get_config        (MarTerminal  *self);
MarStore       *mar_terminal_get_store         (MarTerminal  *self);
MarVerifier    *mar_terminal_get_verifier      (MarTerminal  *self);
MarRecord      *mar_terminal_get_record        (MarTerminal  *self);
GTimeZone      *mar_terminal_get_time_zone     (MarTerminal  *self);
/* [unit] location and its name (the Location in the cache), nullable. */
const char     *mar_terminal_get_unit_id       (MarTerminal  *self);
const char     *mar_terminal_get_unit_name     (MarTerminal  *self);
/* [demo] labels: the demo ward's label sheet content (data/demo/labels.json),
 * or NULL outside the demo. */
const char     *mar_terminal_get_demo_labels   (MarTerminal  *self);

/* The terminal's clock, Unix seconds. */
gint64          mar_terminal_get_now           (MarTerminal  *self);

/* mar_staff_sign_in() at the terminal's clock. */
MarSignature   *mar_terminal_sign_in           (MarTerminal  *self,
                                                const char   *badge,
                                                const char   *pin,
                                                GError      **error);

gboolean        mar_terminal_read_sync_status  (MarTerminal   *self,
                                                MarSyncStatus *status,
                                                GError       **error);

G_END_DECLS
