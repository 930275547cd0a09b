/* marctl.h — shared state of marctl's commands
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "mar-config.h"
#include "mar-record.h"
#include "mar-staff-auth.h"
#include "mar-store.h"

G_BEGIN_DECLS

/* sysexits.h values: only usage, configuration and database errors use
 * them; verdicts have their own codes (0 pass, 3 warn, 4 block). */
enum
{
  MARCTL_EXIT_OK = 0,
  MARCTL_EXIT_FAILURE = 1,
  MARCTL_EXIT_WARN = 3,
  MARCTL_EXIT_BLOCK = 4,
  MARCTL_EXIT_USAGE = 64,     /* EX_USAGE */
  MARCTL_EXIT_DATAERR = 65,   /* EX_DATAERR: the input file is malformed */
  MARCTL_EXIT_NOINPUT = 66,   /* EX_NOINPUT */
  MARCTL_EXIT_SOFTWARE = 70,  /* EX_SOFTWARE */
  MARCTL_EXIT_CANTCREAT = 73, /* EX_CANTCREAT */
  MARCTL_EXIT_IOERR = 74,     /* EX_IOERR: the database cannot be read or written */
  MARCTL_EXIT_TEMPFAIL = 75,  /* EX_TEMPFAIL: busy, try again */
  MARCTL_EXIT_NOPERM = 77,    /* EX_NOPERM */
  MARCTL_EXIT_CONFIG = 78,    /* EX_CONFIG */
};

typedef struct
{
  char       *db_path;      /* --db */
  char       *config_path;  /* --config */
  MarConfig  *config;
  GTimeZone  *time_zone;
  MarStore   *store;        /* opened on first use */
} MarctlContext;

typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (MarctlContext *ctx, int argc, char **argv);
} MarctlCommand;

/* Opens the database (creating and migrating it) on first use; prints the
 * error and returns NULL on failure, with *exit_code set. */
MarStore   *marctl_context_get_store   (MarctlContext *ctx,
                                        int           *exit_code);

/* The exit code for a core error (database, configuration...). */
int         marctl_exit_code_for_error (const GError  *error);
/* Prints "marctl: <message>" on stderr. */
void        marctl_print_error         (const char    *format,
                                        ...) G_GNUC_PRINTF (1, 2);
/* A new JSON node holding a new, empty object. (transfer full) */
JsonNode   *marctl_json_object_new     (void);
/* Prints one JSON value on stdout, pretty, followed by a newline. */
void        marctl_print_json          (JsonNode      *node);

/* A scan as given on the command line: the text "\x1d" (or "\u001d",
 * "<GS>") stands for the GS separator a shell cannot easily pass. */
char       *marctl_unescape_scan       (const char    *text);

/* The --at argument: ISO 8601, no offset meaning the unit's zone; now when NULL. */
gboolean    marctl_parse_at            (MarctlContext *ctx,
                                        const char    *at,
                                        gint64        *out);

/* The record's commands (marctl-record.c) ---------------------------------- */

/* Options every documenting command takes. */
typedef struct
{
  char     *nurse;      /* --nurse BADGE */
  char     *witness;    /* --witness BADGE */
  char     *at;         /* --at ISO-8601 */
  gboolean  json;       /* --json */
  char    **overrides;  /* --override CODE=REASON[:COMMENT] */
} MarctlActOptions;

#define MARCTL_ACT_OPTION_ENTRIES(o) \
  { "nurse", 0, 0, G_OPTION_ARG_STRING, &(o).nurse, N_("Badge of the nurse who documents it (PIN on standard input)"), "BADGE" }, \
  { "witness", 0, 0, G_OPTION_ARG_STRING, &(o).witness, N_("Badge of the witnessing nurse (PIN on standard input, after the nurse's)"), "BADGE" }, \
  { "at", 0, 0, G_OPTION_ARG_STRING, &(o).at, N_("When it was done (ISO 8601; no offset: the unit's time zone). Default: now"), "TIME" }, \
  { "json", 0, 0, G_OPTION_ARG_NONE, &(o).json, N_("Print one JSON object"), NULL }, \
  { "override", 0, 0, G_OPTION_ARG_STRING_ARRAY, &(o).overrides, N_("Go on despite a warning, with a reason from its list"), "CODE=REASON[:COMMENT]" }

void          marctl_act_options_clear (MarctlActOptions        *options);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MarctlActOptions, marctl_act_options_clear)
/* A number given to @option; prints why not. */
gboolean      marctl_parse_number      (const char              *option,
                                        const char              *text,
                                        double                  *value);

/* What one documenting command holds: the record, who signed in, the
 * context of the action. */
typedef struct
{
  MarctlContext    *ctx;
  MarStore         *store;       /* borrowed from ctx */
  MarVerifier      *verifier;
  MarRecord        *record;
  MarSignature     *nurse;
  MarSignature     *witness;
  GArray           *overrides;   /* (MarOverride), strings owned */
  MarRecordContext  context;
  gint64            at;
  gint64            now;
  gboolean          json;
} MarctlSession;

/* Opens the record and, when @acts, signs the nurse (and the witness) in.
 * Returns an exit code (MARCTL_EXIT_OK when ready); errors are printed. */
int           marctl_session_open      (MarctlContext           *ctx,
                                        MarctlSession           *session,
                                        const MarctlActOptions  *options,
                                        gboolean                 acts);
void          marctl_session_clear     (MarctlSession           *session);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MarctlSession, marctl_session_clear)
/* Reads one PIN (stdin line, or a prompt without echo on a terminal). */
gboolean      marctl_read_pin          (const char              *prompt,
                                        char                    *buffer,
                                        gsize                    size);
/* Reads @badge's PIN and signs in on the terminal's clock; prints why not
 * and sets @exit_code on failure. (transfer full) */
MarSignature *marctl_sign_in           (MarctlSession           *session,
                                        const char              *badge,
                                        const char              *who,
                                        int                     *exit_code);
gboolean      marctl_parse_infusion_id (const char              *text,
                                        gint64                  *id);
/* Prints a refused action (the check and the error; one JSON object with
 * --json) and returns its exit code. */
int           marctl_report_failure    (MarctlSession           *session,
                                        MarRecordCheck          *check,
                                        const GError            *error);
/* Prints the bag (mar_infusion_to_json with --json, plus "check"). */
int           marctl_print_infusion    (MarctlSession           *session,
                                        const MarInfusion       *bag,
                                        MarRecordCheck          *check);

int         marctl_import_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_verify_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_library_run         (MarctlContext *ctx, int argc, char **argv);
int         marctl_decode_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_labels_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_staff_run           (MarctlContext *ctx, int argc, char **argv);
int         marctl_infusion_run        (MarctlContext *ctx, int argc, char **argv);
int         marctl_reaction_run        (MarctlContext *ctx, int argc, char **argv);
int         marctl_site_check_run      (MarctlContext *ctx, int argc, char **argv);
int         marctl_audit_run           (MarctlContext *ctx, int argc, char **argv);
int         marctl_sync_run            (MarctlContext *ctx, int argc, char **argv);
int         marctl_status_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_outbox_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_shiftlog_run        (MarctlContext *ctx, int argc, char **argv);
int         marctl_report_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_diagnose_run        (MarctlContext *ctx, int argc, char **argv);
int         marctl_backup_run          (MarctlContext *ctx, int argc, char **argv);

G_END_DECLS
