/* marctl.h — shared state of marctl's commands
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "mar-config.h"
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
/* Prints one JSON value on stdout, pretty, followed by a newline. */
void        marctl_print_json          (JsonNode      *node);

/* A scan as given on the command line: the text "\x1d" (or "\u001d",
 * "<GS>") stands for the GS separator a shell cannot easily pass. */
char       *marctl_unescape_scan       (const char    *text);

/* The --at argument: ISO 8601, no offset meaning the unit's zone; now when NULL. */
gboolean    marctl_parse_at            (MarctlContext *ctx,
                                        const char    *at,
                                        gint64        *out);

int         marctl_import_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_verify_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_sync_run            (MarctlContext *ctx, int argc, char **argv);
int         marctl_status_run          (MarctlContext *ctx, int argc, char **argv);
int         marctl_outbox_run          (MarctlContext *ctx, int argc, char **argv);

G_END_DECLS
