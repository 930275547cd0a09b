/* mar-shift-log.h — the shift log of a unit: every event, its flags, the charge nurse's review
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4 part 9, issue 8 (docs/shift-log.md). The shift log of a unit and
 * shift is every event of its patients in [start, end):
 *
 *  - each entry of this terminal's record (bag prepared, started, rate
 *    changed, paused, resumed, bolus, stopped, completed, held, refused,
 *    missing, not given, reaction, site check, correction), with the
 *    variances written with it (overrides, early and late doses, keyed
 *    entries, unable to scan, late documentation) and whether it has
 *    reached the server;
 *  - each administration charted by another terminal or system (the
 *    store's administrations with a source other than "local"), marked
 *    with its source: RULES.md counts them as given like our own;
 *  - each missed dose (RULES.md, Time: a due time whose window closed
 *    uncharted while the next one is nearer; mar_schedule_list_missed),
 *    except a due time documented as held, refused, missing or not given,
 *    which is a documented omission, not a missed dose.
 *
 * A patient is on the unit when an encounter of theirs that overlaps the
 * shift is located at the unit or at a bed or room inside it; the bed is
 * that encounter's location. (The cache keeps one location per encounter:
 * a patient moved within one stay shows at their current bed.)
 *
 * MarShiftLog is a GListModel of MarShiftLogEvent in time order, so the
 * charge nurse's screen binds a GtkColumnView to it directly (sorting and
 * filtering with GtkSortListModel / GtkFilterListModel on the events'
 * properties); the summary cards, the per-patient and per-nurse totals,
 * the bags (for the per-bag timeline) and every report come from the same
 * load, and exports and printing go through mar-report.h and the renderer
 * (src/report/mar-report-render.h) that marctl uses too.
 *
 * Review: the charge nurse (badge + PIN) adds review notes to events and
 * signs the shift off; both are entries of the record's hash chain
 * (kinds "review-note" and "shift-signed-off"), so `marctl audit verify`
 * covers them. A signed-off shift shows who signed and when; an event
 * documented (or corrected, or charted elsewhere, or found missed) after
 * the sign-off is flagged AFTER_SIGN_OFF.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mar-drug-library.h"
#include "mar-infusion.h"
#include "mar-report.h"
#include "mar-shift.h"
#include "mar-staff-auth.h"
#include "mar-store.h"

G_BEGIN_DECLS

#define MAR_SHIFT_LOG_ERROR (mar_shift_log_error_quark ())

typedef enum
{
  MAR_SHIFT_LOG_ERROR_FAILED,
  MAR_SHIFT_LOG_ERROR_UNKNOWN_UNIT,       /* no Location has that id or name */
  MAR_SHIFT_LOG_ERROR_AMBIGUOUS_UNIT,     /* several Locations have that name */
  MAR_SHIFT_LOG_ERROR_UNKNOWN_EVENT,      /* a note for an event that is not in any shift log */
  MAR_SHIFT_LOG_ERROR_INVALID,            /* an empty or too long note */
  MAR_SHIFT_LOG_ERROR_NOT_ALLOWED,        /* only a charge nurse reviews, signing in on the spot */
  MAR_SHIFT_LOG_ERROR_NOT_STARTED,        /* a shift that has not begun cannot be signed off */
  MAR_SHIFT_LOG_ERROR_ALREADY_SIGNED_OFF, /* signed off, and nothing changed since */
  MAR_SHIFT_LOG_ERROR_CHANGED,            /* the log changed since it was loaded: look again */
} MarShiftLogError;

/* A review note is at most this long (it is printed in a table cell). */
#define MAR_SHIFT_NOTE_MAX_CHARS 500
/* The charge nurse signs off with badge and PIN checked at most this long
 * before (as a witness does: docs/record.md). */
#define MAR_SHIFT_SIGN_OFF_MAX_AGE_SECONDS 120

typedef enum /*< flags >*/
{
  MAR_SHIFT_FLAG_NONE             = 0,
  MAR_SHIFT_FLAG_OVERRIDE         = 1 << 0,  /* a warning overridden with a reason */
  MAR_SHIFT_FLAG_REACTION         = 1 << 1,  /* an infusion reaction or site complication */
  MAR_SHIFT_FLAG_LATE             = 1 << 2,  /* a dose given after its window (TIME_LATE) */
  MAR_SHIFT_FLAG_EARLY            = 1 << 3,  /* a dose given before its window (TIME_EARLY) */
  MAR_SHIFT_FLAG_MISSED           = 1 << 4,  /* a due time nobody charted */
  MAR_SHIFT_FLAG_UNABLE_TO_SCAN   = 1 << 5,  /* a wristband or bag that could not be scanned */
  MAR_SHIFT_FLAG_KEYED            = 1 << 6,  /* a scan typed or picked by hand */
  MAR_SHIFT_FLAG_LATE_ENTRY       = 1 << 7,  /* documented more than 15 min after the fact */
  MAR_SHIFT_FLAG_UNSYNCED         = 1 << 8,  /* not yet accepted by the server */
  MAR_SHIFT_FLAG_PULLED           = 1 << 9,  /* charted by another terminal or system */
  MAR_SHIFT_FLAG_ENTERED_IN_ERROR = 1 << 10, /* corrected: entered in error */
  MAR_SHIFT_FLAG_AFTER_SIGN_OFF   = 1 << 11, /* documented or changed after the shift was signed off */
  MAR_SHIFT_FLAG_REVIEWED         = 1 << 12, /* has a review note */
  MAR_SHIFT_FLAG_NOT_GIVEN        = 1 << 13, /* held, refused, missing or not given, with a reason */
} MarShiftFlags;

#define MAR_SHIFT_FLAG_LAST MAR_SHIFT_FLAG_NOT_GIVEN

#define MAR_TYPE_SHIFT_FLAGS (mar_shift_flags_get_type ())
GType        mar_shift_flags_get_type      (void);
/* One flag's stable code ("override", "late-entry") and its label. */
const char  *mar_shift_flag_to_string      (MarShiftFlags  flag);
const char  *mar_shift_flag_get_label      (MarShiftFlags  flag);
gboolean     mar_shift_flag_from_string    (const char    *text,
                                            MarShiftFlags *flag);
/* "override,late" and "Override, Late dose". (transfer full) */
char        *mar_shift_flags_to_string     (MarShiftFlags  flags);
char        *mar_shift_flags_dup_label     (MarShiftFlags  flags);

typedef enum
{
  MAR_SHIFT_EVENT_RECORD = 0,   /* an entry of this terminal's record */
  MAR_SHIFT_EVENT_PULLED,       /* an administration charted by another terminal or system */
  MAR_SHIFT_EVENT_MISSED,       /* a missed dose */
} MarShiftEventKind;

typedef struct
{
  gint64  entry_seq;    /* the note's entry in the chain */
  char   *staff_id;
  char   *staff_name;
  gint64  at;
  char   *text;
} MarShiftNote;

/* One event: a row of the shift log. Properties (read-only, for
 * GtkColumnView expressions): key, kind, time, time-text, recorded-at,
 * entry, infusion, bed, patient-id, patient, mrn, medication, action,
 * action-label, rate, rate-text, volume, volume-text, nurse-id, nurse,
 * witness-id, witness, flags, flags-text, detail, source, note. */
#define MAR_TYPE_SHIFT_LOG_EVENT (mar_shift_log_event_get_type ())
G_DECLARE_FINAL_TYPE (MarShiftLogEvent, mar_shift_log_event, MAR, SHIFT_LOG_EVENT, GObject)

/* "entry:57", "administration:<id>:start", "missed:<order>:<due>": stable,
 * what a review note names. */
const char        *mar_shift_log_event_get_key          (MarShiftLogEvent *event);
MarShiftEventKind  mar_shift_log_event_get_kind         (MarShiftLogEvent *event);
gint64             mar_shift_log_event_get_time         (MarShiftLogEvent *event);
/* "07:35", with the zone on a DST night ("01:30 EDT"). */
const char        *mar_shift_log_event_get_time_text    (MarShiftLogEvent *event);
/* When it was documented (the entry's recorded_at; a pulled one's arrival). */
gint64             mar_shift_log_event_get_recorded_at  (MarShiftLogEvent *event);
gint64             mar_shift_log_event_get_entry        (MarShiftLogEvent *event);
gint64             mar_shift_log_event_get_infusion     (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_bed          (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_patient_id   (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_patient      (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_mrn          (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_medication   (MarShiftLogEvent *event);
/* The record's entry kind ("infusion-started", "rate-changed"…) or
 * "missed"; a pulled administration maps to the same kinds. */
const char        *mar_shift_log_event_get_action       (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_action_label (MarShiftLogEvent *event);
/* mL/h; NAN when the event sets no rate. */
double             mar_shift_log_event_get_rate         (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_rate_text    (MarShiftLogEvent *event);
/* mL (a bolus, the volume confirmed at stop or completion); NAN when none. */
double             mar_shift_log_event_get_volume       (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_volume_text  (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_nurse_id     (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_nurse        (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_witness_id   (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_witness      (MarShiftLogEvent *event);
MarShiftFlags      mar_shift_log_event_get_flags        (MarShiftLogEvent *event);
const char        *mar_shift_log_event_get_flags_text   (MarShiftLogEvent *event);
/* Reasons, overrides, minutes late, what the reaction was… for people. */
const char        *mar_shift_log_event_get_detail       (MarShiftLogEvent *event);
/* "local", or the system that charted it (its meta.source). */
const char        *mar_shift_log_event_get_source       (MarShiftLogEvent *event);
/* The latest review note's text, or NULL. */
const char        *mar_shift_log_event_get_note         (MarShiftLogEvent *event);
/* (element-type MarShiftNote) (transfer none) oldest first. */
GPtrArray         *mar_shift_log_event_get_notes        (MarShiftLogEvent *event);
/* Minutes early or late (variance log); 0 when on time. */
gint64             mar_shift_log_event_get_late_minutes (MarShiftLogEvent *event);
gint64             mar_shift_log_event_get_early_minutes (MarShiftLogEvent *event);
/* A missed dose: its order and due time. */
const char        *mar_shift_log_event_get_order_id     (MarShiftLogEvent *event);
gint64             mar_shift_log_event_get_due_time     (MarShiftLogEvent *event);

/* The summary cards. */
typedef struct
{
  guint   events;
  guint   patients;
  guint   doses_given;          /* bags started here and doses charted elsewhere */
  guint   doses_late;
  guint   doses_early;
  guint   doses_missed;
  guint   doses_not_given;      /* held, refused, missing, not given */
  guint   overrides;
  guint   verifications;        /* bags verified at the bedside (prepared or started here) */
  guint   unable_to_scan;       /* of those, with a scan replaced */
  guint   keyed;
  double  unable_to_scan_rate;  /* unable_to_scan / verifications; 0 without verifications */
  guint   reactions;
  guint   unsynced;
  guint   late_entries;
  guint   pulled;
  guint   entered_in_error;
  guint   after_sign_off;
  double  iv_intake_ml;         /* every patient's, in the shift */
} MarShiftSummary;

typedef struct
{
  char          *patient_id;
  char          *name;           /* "FAMILY, Given" */
  char          *mrn;
  char          *bed;
  guint          events;
  guint          bags;
  double         iv_intake_ml;   /* in the shift: this terminal's bags (mar_infusion_get_volume_between)
                                  * and iv_intake_elsewhere_ml */
  double         iv_intake_elsewhere_ml; /* charted on other terminals: a completed one's volume spread
                                          * over its period, a running one's rate × time */
  MarShiftFlags  flags;          /* every flag of the patient's events */
} MarShiftPatient;

typedef struct
{
  char   *staff_id;
  char   *name;
  guint   events;
  guint   verifications;
  guint   unable_to_scan;
  guint   overrides;
  guint   late;
  guint   late_entries;
} MarShiftNurse;

/* A bag hung during the shift (or documented as not given in it): what
 * the per-bag timeline draws and the IV bag status report lists. */
typedef struct
{
  MarInfusion      *infusion;            /* with segments, boluses, volume checks */
  char             *bed;
  char             *patient_name;
  MarInfusionState  state_at_end;        /* when the shift ended (or at the log's time, if earlier) */
  double            rate_at_end_ml_h;    /* 0 unless infusing then */
  double            volume_in_shift_ml;
  double            volume_by_end_ml;    /* since it was hung */
  guint             reactions;           /* in the shift */
} MarShiftBag;

/* A row of the variance log in the shift. */
typedef struct
{
  gint64  entry_seq;
  char   *kind;          /* override, early, late, keyed, unable-to-scan, late-entry */
  char   *code;          /* warning code, scan (patient/product), entry kind */
  char   *reason;
  char   *comment;
  gint64  minutes;       /* early/late/late-entry; -1 when none */
  gint64  at;
  MarShiftLogEvent *event;  /* (transfer none) the entry's event */
} MarShiftVariance;

typedef struct
{
  gint64  entry_seq;
  char   *staff_id;
  char   *staff_name;
  gint64  signed_at;
  gint64  last_entry_seq;  /* the newest record entry when it was signed */
  guint   events;
  char   *digest;          /* of the events as signed */
} MarShiftSignOff;

#define MAR_TYPE_SHIFT_LOG (mar_shift_log_get_type ())
G_DECLARE_FINAL_TYPE (MarShiftLog, mar_shift_log, MAR, SHIFT_LOG, GObject)

GQuark              mar_shift_log_error_quark   (void);

/* The unit a Location id or name names: its id and name (transfer full).
 * UNKNOWN_UNIT or AMBIGUOUS_UNIT otherwise. */
gboolean            mar_shift_log_resolve_unit  (MarStore             *store,
                                                 const char           *unit,
                                                 char                **unit_id,
                                                 char                **unit_name,
                                                 GError              **error);
/* The shift log of @unit (a Location id or name) for @shift, as of @now
 * (missed doses are those whose window closed by then). Reads one
 * snapshot of @store. (transfer full) */
MarShiftLog        *mar_shift_log_load          (MarStore             *store,
                                                 MarDrugLibrary       *library,
                                                 GTimeZone            *time_zone,
                                                 const char           *unit,
                                                 const MarShift       *shift,
                                                 gint64                now,
                                                 GError              **error);
/* The same in a worker thread, on its own read-only connection to the
 * database at @db_path (a MarStore is used by one thread at a time). */
void                mar_shift_log_load_async    (const char           *db_path,
                                                 MarDrugLibrary       *library,
                                                 GTimeZone            *time_zone,
                                                 const char           *unit,
                                                 const MarShift       *shift,
                                                 gint64                now,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
MarShiftLog        *mar_shift_log_load_finish   (GAsyncResult         *result,
                                                 GError              **error);
/* Loads the log again (after a note or a sign-off, or for a later @now)
 * and replaces its events, emitting GListModel::items-changed. */
gboolean            mar_shift_log_reload        (MarShiftLog          *self,
                                                 gint64                now,
                                                 GError              **error);

const char         *mar_shift_log_get_unit_id   (MarShiftLog          *self);
const char         *mar_shift_log_get_unit_name (MarShiftLog          *self);
const MarShift     *mar_shift_log_get_shift     (MarShiftLog          *self);
GTimeZone          *mar_shift_log_get_time_zone (MarShiftLog          *self);
/* The time the log was read as of. */
gint64              mar_shift_log_get_now       (MarShiftLog          *self);
MarStore           *mar_shift_log_get_store     (MarShiftLog          *self);
const MarShiftSummary *mar_shift_log_get_summary (MarShiftLog         *self);
/* (element-type MarShiftPatient) (transfer none) by bed. */
GPtrArray          *mar_shift_log_get_patients  (MarShiftLog          *self);
/* (element-type MarShiftNurse) (transfer none) by name. */
GPtrArray          *mar_shift_log_get_nurses    (MarShiftLog          *self);
/* (element-type MarShiftBag) (transfer none) by bed, then start. */
GPtrArray          *mar_shift_log_get_bags      (MarShiftLog          *self);
/* (element-type MarShiftVariance) (transfer none) in time order. */
GPtrArray          *mar_shift_log_get_variances (MarShiftLog          *self);
/* (nullable) (transfer none) the latest sign-off of this shift. */
const MarShiftSignOff *mar_shift_log_get_sign_off (MarShiftLog        *self);
/* The SHA-256 of the events as a sign-off records them. */
const char         *mar_shift_log_get_digest    (MarShiftLog          *self);
/* Signed off, and the events are no longer what was signed. */
gboolean            mar_shift_log_is_changed_since_sign_off (MarShiftLog *self);
/* (nullable) (transfer none) */
MarShiftLogEvent   *mar_shift_log_lookup_event  (MarShiftLog          *self,
                                                 const char           *key);
/* "Signed off by Carla Rivers at 19:04" / "Not signed off". (transfer full) */
char               *mar_shift_log_dup_sign_off_text (MarShiftLog      *self);

/* `marctl shiftlog --json`: the unit, the shift, the summary, the
 * sign-off, every event (flags as codes, times in ISO 8601), the patients
 * and the nurses. */
JsonNode           *mar_shift_log_to_json       (MarShiftLog          *self);

/* The shift log (@kind MAR_REPORT_SHIFT_LOG) or one of the reports, as a
 * printable document made at @printed_at. (transfer full) */
MarReport          *mar_shift_log_build_report  (MarShiftLog          *self,
                                                 MarReportKind         kind,
                                                 gint64                printed_at);

/* ---- Review (mar-shift-review.c) ---- */

/* Adds a review note to the event @event_key ("entry:57", or just "57";
 * "administration:<id>:start|end"; "missed:<order>:<due>") by a charge
 * nurse, at @now (the terminal's clock). Returns the note's entry
 * sequence number, 0 on error. */
gint64              mar_shift_log_add_note      (MarStore             *store,
                                                 const char           *event_key,
                                                 MarSignature         *reviewer,
                                                 const char           *text,
                                                 gint64                now,
                                                 GError              **error);
/* Signs the shift off as @self shows it, in @store (the terminal's
 * writable store; the log may have been read on another connection), by
 * a charge nurse whose PIN was checked at most
 * MAR_SHIFT_SIGN_OFF_MAX_AGE_SECONDS before @now. Refused when the log
 * changed since it was loaded (CHANGED: reload and look again) or when the
 * shift is already signed off and nothing changed since. @seq (nullable)
 * receives the sign-off's entry. @self is reloaded afterwards. */
gboolean            mar_shift_log_sign_off      (MarShiftLog          *self,
                                                 MarStore             *store,
                                                 MarSignature         *charge,
                                                 gint64                now,
                                                 gint64               *seq,
                                                 GError              **error);

void                mar_shift_note_free         (MarShiftNote         *note);
void                mar_shift_patient_free      (MarShiftPatient      *patient);
void                mar_shift_nurse_free        (MarShiftNurse        *nurse);
void                mar_shift_bag_free          (MarShiftBag          *bag);
void                mar_shift_variance_free     (MarShiftVariance     *variance);
void                mar_shift_sign_off_free     (MarShiftSignOff      *sign_off);

G_END_DECLS
