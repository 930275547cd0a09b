/* marctl-test-util.h — running marctl as a script does, with PINs on stdin
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define MT_ANCHOR "2026-01-15T10:00:00-05:00"
#define MT_BED1   "74120318"
#define MT_NACL   "(01)00614141100101(17)301231(10)NS6021(21)S01"
#define MT_HEPARIN "(01)00614141301102(17)301231(10)HP1102(21)S02"

typedef struct
{
  char *folder;
  char *db;
  char *config;
} MtFixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} MtRun;

void        mt_fixture_set_up    (MtFixture     *f);
void        mt_fixture_tear_down (MtFixture     *f);
/* Imports the demo ward at the anchor and sets PIN 1234 for N1001,
 * N1002, C2001 and T3001. */
void        mt_demo_ward         (MtFixture     *f);
void        mt_run_clear         (MtRun         *run);
/* Runs marctl --db DB ARGS... with @input on standard input (nullable). */
void        mt_run               (MtFixture     *f,
                                  MtRun         *run,
                                  const char    *input,
                                  const char    *first,
                                  ...) G_GNUC_NULL_TERMINATED;
/* Standard output as one JSON object. (transfer full) */
JsonObject *mt_object            (const MtRun   *run);
char      **mt_environment       (MtFixture     *f);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MtRun, mt_run_clear)

G_END_DECLS
