/* mar-shift-log-private.h — what the shift log's source files share
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mar-shift-log.h"

G_BEGIN_DECLS

/* Entry kinds of the review (docs/shift-log.md); never a bag's entries. */
#define MAR_ENTRY_REVIEW_NOTE       "review-note"
#define MAR_ENTRY_SHIFT_SIGNED_OFF  "shift-signed-off"

struct _MarShiftLogEvent
{
  GObject            parent_instance;

  MarShiftEventKind  kind;
  char              *key;
  gint64             time;
  gint64             recorded_at;
  gint64             entry_seq;       /* 0: not an entry of this record */
  gint64             infusion_id;
  gint64             corrected_by;    /* the correction's entry, 0: none */
  char              *action;
  char              *bed;
  char              *patient_id;
  char              *patient_name;
  char              *mrn;
  char              *medication;
  double             rate_ml_h;       /* NAN: none */
  double             volume_ml;       /* NAN: none */
  char              *nurse_id;
  char              *nurse_name;
  char              *witness_id;
  char              *witness_name;
  MarShiftFlags      flags;
  GString           *detail;
  char              *source;
  GPtrArray         *notes;           /* (MarShiftNote) */
  gint64             late_minutes;
  gint64             early_minutes;
  char              *order_id;        /* missed doses */
  gint64             due_time;
  gint64             window_closed;   /* missed doses: when it became missed */

  /* Made by mar_shift_log_event_finish(). */
  char              *time_text;
  char              *action_label;
  char              *rate_text;
  char              *volume_text;
  char              *flags_text;
};

MarShiftLogEvent *mar_shift_log_event_new         (MarShiftEventKind  kind);
/* Appends one part to the detail, "; " between parts. */
void              mar_shift_log_event_add_detail  (MarShiftLogEvent  *event,
                                                   const char        *text);
/* The texts people read, once the event is complete. @with_zone: the
 * shift spans a DST change, so times carry their zone. */
void              mar_shift_log_event_finish      (MarShiftLogEvent  *event,
                                                   GTimeZone         *time_zone,
                                                   gboolean           with_zone);
/* The detail with the review notes, as printed. (transfer full) */
char             *mar_shift_log_event_dup_printed_detail (MarShiftLogEvent *event);

/* "75 mL/h", "12.96 mL/h", "3.2 mL": at most @decimals, no trailing
 * zeros. (transfer full) */
char             *mar_shift_log_format_amount     (double             value,
                                                   int                decimals,
                                                   const char        *unit);
/* The label of an action (an entry kind, "missed") for people. */
const char       *mar_shift_log_action_label      (const char        *action);

/* One load of the log (mar-shift-log-load.c). */
typedef struct
{
  char            *unit_id;
  char            *unit_name;
  GPtrArray       *events;      /* (MarShiftLogEvent) in time order */
  GPtrArray       *patients;    /* (MarShiftPatient) by bed */
  GPtrArray       *bags;        /* (MarShiftBag) */
  GPtrArray       *variances;   /* (MarShiftVariance) */
  MarShiftSignOff *sign_off;    /* nullable */
  gint64           head_seq;    /* the newest record entry when read */
} MarShiftLogData;

void      mar_shift_log_data_clear (MarShiftLogData   *data);
/* Reads the log in one snapshot (nested in the caller's transaction when
 * one is open). */
gboolean  mar_shift_log_read       (MarStore          *store,
                                    MarDrugLibrary    *library,
                                    GTimeZone         *time_zone,
                                    const char        *unit,
                                    const MarShift    *shift,
                                    gint64             now,
                                    MarShiftLogData   *data,
                                    GError           **error);
/* The digest a sign-off records: the events as signed, without what
 * changes by itself (sync state, review notes, the sign-off's own flag). */
char     *mar_shift_log_compute_digest (GPtrArray     *events);

/* The drug library the log was read with (missed doses' windows). */
MarDrugLibrary *mar_shift_log_get_library (MarShiftLog  *self);

/* Names of staff for people: "Carla Rivers", else the id. */
char     *mar_shift_log_dup_staff_name (MarStore      *store,
                                        const char    *staff_id);

G_END_DECLS
