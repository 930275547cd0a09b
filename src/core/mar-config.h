/* mar-config.h — the terminal's configuration (GKeyFile)
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One system-wide file (/etc/bedside-mar/bedside-mar.conf), overridden key by
 * key by a per-user file ($XDG_CONFIG_HOME/bedside-mar/bedside-mar.conf), or
 * replaced by an explicit file (marctl --config FILE, BEDSIDE_MAR_CONFIG).
 * Missing files are fine: every key has a default.
 */

#pragma once

#include <glib.h>

#include "mar-barcode.h"

G_BEGIN_DECLS

#define MAR_CONFIG_ERROR (mar_config_error_quark ())

typedef enum
{
  MAR_CONFIG_ERROR_PARSE,        /* not a valid key file */
  MAR_CONFIG_ERROR_INVALID,      /* a value that is not allowed */
  MAR_CONFIG_ERROR_PERMISSIONS,  /* readable or writable by others where it must not be */
  MAR_CONFIG_ERROR_NOT_FOUND,    /* an explicit file that does not exist */
  MAR_CONFIG_ERROR_WRITE,        /* the file cannot be written (folder, permission, disk full) */
} MarConfigError;

typedef struct _MarConfig MarConfig;

GQuark      mar_config_error_quark        (void);

/* @explicit_path: a file given on the command line, or NULL for the
 * system file plus the per-user override. */
MarConfig  *mar_config_load               (const char  *explicit_path,
                                           GError     **error);
/* Defaults only: what tests and the demo use when no file is wanted. */
MarConfig  *mar_config_new_default        (void);
MarConfig  *mar_config_ref                (MarConfig   *config);
void        mar_config_unref              (MarConfig   *config);

/* Raw access for components that own a group ([server], [sync]...). */
char       *mar_config_dup_string         (MarConfig   *config,
                                           const char  *group,
                                           const char  *key);
gint64      mar_config_get_int            (MarConfig   *config,
                                           const char  *group,
                                           const char  *key,
                                           gint64       default_value);
void        mar_config_set_string         (MarConfig   *config,
                                           const char  *group,
                                           const char  *key,
                                           const char  *value);
/* The files that were read, for `marctl status` (transfer none). */
const char * const *mar_config_get_sources (MarConfig  *config);

/* The database: --db, then BEDSIDE_MAR_DB, then [database] path, then the
 * installed location. @override is the --db argument or NULL. */
char       *mar_config_dup_database_path  (MarConfig   *config,
                                           const char  *override);

/* The unit's time zone: [unit] time-zone (an IANA name), else the local
 * zone (TZ). Due times and expiry days are wall-clock times of the unit. */
GTimeZone  *mar_config_dup_time_zone      (MarConfig   *config);

/* [scanner] mrn-prefix and gs-replacement, for mar_scan_parse(). The
 * strings in @options stay owned by @config. */
void        mar_config_get_scan_options   (MarConfig      *config,
                                           MarScanOptions *options);

/* ---- Changing the configuration (the IT screen) ---- */

/* One key to set; @value NULL or empty removes it (its default applies). */
typedef struct
{
  const char *group;
  const char *key;
  const char *value;
} MarConfigChange;

/* The file IT's changes go to: the explicit file when one was loaded (or
 * BEDSIDE_MAR_CONFIG), else the per-user file that overrides the system one. */
char       *mar_config_dup_save_path      (MarConfig   *config);

/* Whether @value can work for [group] key, with a specific error
 * (MAR_CONFIG_ERROR_INVALID) naming the key: server and token URLs must be
 * https://, files (CA, client certificate and key, token, client secret)
 * must exist and be readable, a pin is "sha256//<base64 of 32 bytes>"
 * (several joined by ';'), [sync] interval 10–86400 s, stale-after
 * 60–86400 s, page-size 10–1000, [unit] location without spaces. Keys it
 * does not know are accepted. An empty value (removal) is always valid. */
gboolean    mar_config_check_value        (const char  *group,
                                           const char  *key,
                                           const char  *value,
                                           GError     **error);

/* Checks every change, then applies them to the key file @path (created
 * when missing; comments and other keys are kept) atomically: a temporary
 * file beside it, fsync, rename, fsync of the folder. Permissions stay
 * those of the file (0644 when new), never writable by others, and without
 * any access for others (at most 0640) when it holds a secret, as
 * mar_config_load() demands. Nothing is written when a change is invalid. */
gboolean    mar_config_save_changes       (const char            *path,
                                           const MarConfigChange *changes,
                                           gsize                  n_changes,
                                           GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarConfig, mar_config_unref)

G_END_DECLS
