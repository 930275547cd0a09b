/* shift-seed.h — a busy shift on a second unit of the demo ward, for the shift log's UI tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 8: the UI tests, the benchmark and the screenshot tour open the
 * shift log of a busy shift. This adds a unit, "4 East" (Location
 * SHIFT_SEED_UNIT_ID), with @beds beds, a patient in each with the demo
 * ward's NaCl and meropenem orders, and documents one shift through the
 * terminal's record (as bench/bench-shift-log.c does): a NaCl bag per bed
 * with a site check, a rate change with an override, a pause; meropenem
 * doses now and then late, not scanned, missed or with a reaction; one
 * entry corrected as entered in error; a dose charted on another
 * terminal. Every row is what the record writes.
 */

#pragma once

#include "mar-terminal.h"
#include "mar-shift.h"

G_BEGIN_DECLS

#define SHIFT_SEED_UNIT_ID   "loc-4e"
#define SHIFT_SEED_UNIT_NAME "4 East"

/* The shift before the one the terminal's clock is in: over, so its
 * missed doses are known. */
void   shift_seed_previous_shift (MarTerminal    *terminal,
                                  MarShift       *shift);
/* Documents @shift on 4 East with @beds beds (nurses N1001–N1006, PIN
 * @pin). Aborts on failure. */
void   shift_seed_busy_unit      (MarTerminal    *terminal,
                                  guint           beds,
                                  const MarShift *shift,
                                  const char     *pin);

G_END_DECLS
