/* mar-shift-timeline.h — one patient's bags over the shift, as step charts of their rate
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 8 part 1: for the patient picked on the shift log, each bag hung
 * in the shift is a lane: its rate segments drawn as a step chart over the
 * shift's hours (the unit's local time), the volume infused in the shift
 * written beside it, pauses at zero, and each reaction marked with a
 * triangle and the word (never by colour alone; a legend says so). Every
 * figure comes from the shift log (mar_shift_log_get_bags).
 */

#pragma once

#include <gtk/gtk.h>

#include "mar-shift-log.h"

G_BEGIN_DECLS

#define MAR_TYPE_SHIFT_TIMELINE (mar_shift_timeline_get_type ())
G_DECLARE_FINAL_TYPE (MarShiftTimeline, mar_shift_timeline, MAR, SHIFT_TIMELINE, GtkWidget)

GtkWidget   *mar_shift_timeline_new           (void);
/* @log nullable. */
void         mar_shift_timeline_set_log       (MarShiftTimeline *self,
                                               MarShiftLog      *log);
/* The patient whose bags are drawn; NULL draws none. */
void         mar_shift_timeline_set_patient   (MarShiftTimeline *self,
                                               const char       *patient_id);
const char  *mar_shift_timeline_get_patient   (MarShiftTimeline *self);
/* The bags drawn (lanes). */
guint        mar_shift_timeline_get_n_bags    (MarShiftTimeline *self);
/* The reactions marked, over every lane. */
guint        mar_shift_timeline_get_n_reactions (MarShiftTimeline *self);

G_END_DECLS
