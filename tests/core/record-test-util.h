/* record-test-util.h — the demo ward with staff PINs, for the record's tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mar-record.h"
#include "mar-record-private.h"
#include "mar-staff-auth.h"

G_BEGIN_DECLS

/* The demo ward's anchor: 2026-01-15 10:00 in New York. */
#define RW_ANCHOR "2026-01-15T10:00:00-05:00"
#define RW_PIN    "1234"

/* Scans of the demo ward (data/demo/scenarios.json). */
#define RW_BED1            "74120318"              /* 4W-01: heparin, NaCl 75 mL/h */
#define RW_BED1_GSRN       "(8018)061414100741203187"
#define RW_NACL_S01        "(01)00614141100101(17)301231(10)NS6021(21)S01"
#define RW_NACL_S01B       "(01)00614141100101(17)301231(10)NS6021(21)S01B"
#define RW_HEPARIN_S02     "(01)00614141301102(17)301231(10)HP1102(21)S02"

typedef struct
{
  char          *folder;
  char          *db;
  GTimeZone     *tz;
  gint64         anchor;
  MarStore      *store;
  MarVerifier   *verifier;
  MarRecord     *record;
  MarSignature  *nurse;     /* N1001 */
  MarSignature  *nurse2;    /* N1002 */
  MarSignature  *charge;    /* C2001 */
  MarSignature  *it;        /* T3001 */
} RecordWard;

/* A fresh copy of the demo ward (imported at the anchor) whose staff
 * N1001–N1006, C2001, C2002, T3001 have PIN 1234; signed in at the
 * anchor. */
RecordWard      *record_ward_new        (void);
void             record_ward_free       (RecordWard *w);
/* Reopens the store, verifier and record (a restart). */
void             record_ward_reopen     (RecordWard *w);

/* The anchor plus @minutes. */
gint64           rw_at                  (RecordWard *w,
                                         double      minutes);
MarScanResult   *rw_scan                (RecordWard *w,
                                         const char *text,
                                         gboolean    keyed);
/* Signs @badge in at @now (PIN 1234). */
MarSignature    *rw_sign_in             (RecordWard *w,
                                         const char *badge,
                                         gint64      now);
/* A context at anchor + @minutes, documented then too; the terminal
 * synced a minute before it (no CACHE_STALE). */
MarRecordContext rw_context             (RecordWard   *w,
                                         double        minutes,
                                         MarSignature *nurse,
                                         MarSignature *witness);

/* Starts the NaCl bag @product_scan for bed 4W-01 at @minutes at
 * @rate mL/h (a pass: no witness). */
MarInfusion     *rw_start_nacl          (RecordWard *w,
                                         const char *product_scan,
                                         double      minutes,
                                         double      rate);
/* Starts heparin S02 for bed 4W-01 with N1002 as witness. */
MarInfusion     *rw_start_heparin       (RecordWard *w,
                                         double      minutes,
                                         double      rate,
                                         const MarOverride *overrides,
                                         guint       n_overrides);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RecordWard, record_ward_free)

G_END_DECLS
