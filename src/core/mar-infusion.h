/* mar-infusion.h — one IV bag: its state machine and the volume it gave
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RULES.md, The record: a bag is available → infusing ⇄ paused;
 * infusing/paused → stopped → infusing; → completed; or held, refused,
 * missing, not given (each with a reason). Any other transition is refused.
 * (After VistA BCMA's IV bag states and Epic's MAR actions.)
 *
 * The volume infused is Σ rate × time over the periods the bag infused,
 * plus boluses from it, capped at the bag's volume. It is an estimate: at
 * stop and completion the nurse confirms it or corrects it from the pump,
 * and from then on the confirmed volume replaces the estimate (the
 * difference counts at the time of the confirmation). Times are Unix
 * seconds, so midnight and daylight-saving changes cost nothing: an hour
 * is 3600 s on every wall clock.
 *
 * MarInfusion is plain data read from the record's projection
 * (mar-record.h); the functions here are pure.
 */

#pragma once

#include <glib.h>

#include "mar-model.h"

G_BEGIN_DECLS

typedef enum
{
  MAR_INFUSION_AVAILABLE = 0,   /* at the bedside, checked, not hung */
  MAR_INFUSION_INFUSING,
  MAR_INFUSION_PAUSED,          /* pump on hold; FHIR on-hold */
  MAR_INFUSION_STOPPED,         /* disconnected; may be restarted */
  MAR_INFUSION_COMPLETED,
  MAR_INFUSION_HELD,
  MAR_INFUSION_REFUSED,
  MAR_INFUSION_MISSING,
  MAR_INFUSION_NOT_GIVEN,
  MAR_INFUSION_ENTERED_IN_ERROR, /* its first entry was corrected */
  MAR_INFUSION_N_STATES,
} MarInfusionState;

typedef enum
{
  MAR_INFUSION_ACTION_START = 0,
  MAR_INFUSION_ACTION_RATE,
  MAR_INFUSION_ACTION_PAUSE,
  MAR_INFUSION_ACTION_RESUME,   /* paused → infusing, or a restart: stopped → infusing */
  MAR_INFUSION_ACTION_BOLUS,
  MAR_INFUSION_ACTION_STOP,
  MAR_INFUSION_ACTION_COMPLETE,
  MAR_INFUSION_ACTION_HOLD,
  MAR_INFUSION_ACTION_REFUSE,
  MAR_INFUSION_ACTION_MISSING,
  MAR_INFUSION_ACTION_NOT_GIVEN,
  MAR_INFUSION_ACTION_REACTION,
  MAR_INFUSION_ACTION_SITE_CHECK,
  MAR_INFUSION_N_ACTIONS,
} MarInfusionAction;

typedef struct
{
  gint64  start;
  gint64  end;             /* MAR_TIME_UNSET while it runs */
  double  rate_ml_per_h;
  gint64  entry_seq;       /* the entry that opened it (start, resume, rate change) */
  gint64  rate_seq;        /* the entry that set its rate (start or rate change) */
} MarInfusionSegment;

typedef struct
{
  gint64  at;
  double  volume_ml;
  gint64  entry_seq;
} MarInfusionBolus;

typedef struct
{
  gint64  at;
  double  estimated_ml;
  double  confirmed_ml;
  gint64  entry_seq;
} MarVolumeCheck;

typedef struct
{
  gint64            id;
  char             *uuid;            /* the bag's MedicationAdministration identifier */
  char             *patient_id;
  char             *encounter_id;
  char             *order_id;
  char             *order_version;
  char             *product_id;
  char             *dispense_id;
  char             *bag_id;
  char             *gtin;
  char             *lot;
  char             *serial;
  char             *expiry;
  char             *medication;      /* what the bag is, for people */
  MarInfusionState  state;
  char             *state_reason;    /* reason code of the last state change that has one */
  char             *state_comment;
  gint64            previous_id;     /* new bag of this infusion, 0: none */
  gboolean          continuous;
  gboolean          requires_witness; /* high-alert drug (WITNESS_REQUIRED at start) */
  gint64            due_time;
  gboolean          partial;         /* one container of a dose given in several */
  MarQuantity       container_dose;
  double            bag_volume_ml;   /* 0: unknown */
  double            vtbi_ml;         /* volume to be infused, 0: not given */
  double            rate_ml_per_h;   /* the current rate */
  char             *site;
  char             *pump;
  char             *channel;
  gint64            started_at;      /* MAR_TIME_UNSET before start */
  gint64            ended_at;        /* stop or completion; MAR_TIME_UNSET while running */
  gint64            last_at;         /* clinical time of its latest entry */
  char             *performer_id;    /* who started it (or documented it) */
  char             *witness_id;
  gint64            created_seq;
  gint64            updated_seq;
  GArray           *segments;        /* (MarInfusionSegment) in time order */
  GArray           *boluses;         /* (MarInfusionBolus) */
  GArray           *volume_checks;   /* (MarVolumeCheck) */
} MarInfusion;

MarInfusion      *mar_infusion_new                (void);
void              mar_infusion_free               (MarInfusion        *infusion);

const char       *mar_infusion_state_to_string    (MarInfusionState    state);
gboolean          mar_infusion_state_from_string  (const char         *text,
                                                   MarInfusionState   *state);
const char       *mar_infusion_action_to_string   (MarInfusionAction   action);
/* The state in words a nurse reads ("infusing", "on hold"). */
const char       *mar_infusion_state_get_label    (MarInfusionState    state);

/* The state machine: whether @action is allowed in @state, and the state
 * it leads to (actions that do not change the state lead to @state). */
gboolean          mar_infusion_state_allows       (MarInfusionState    state,
                                                   MarInfusionAction   action,
                                                   MarInfusionState   *next);
/* The bag is hung (infusing, paused or stopped). */
gboolean          mar_infusion_state_is_hung      (MarInfusionState    state);
/* The state documents a dose not given (held, refused, missing, not given). */
gboolean          mar_infusion_state_is_not_done  (MarInfusionState    state);
/* The FHIR MedicationAdministration.status for a state; NULL for
 * available (nothing charted yet). */
const char       *mar_infusion_state_to_fhir      (MarInfusionState    state);

/* The most the bag can have given: its volume, else the volume to be
 * infused, else no limit (G_MAXDOUBLE). */
double            mar_infusion_get_cap_ml         (const MarInfusion  *infusion);
/* Σ rate × time over the segments and the boluses up to @t, uncapped and
 * without confirmations: what the pump would say if nobody corrected it. */
double            mar_infusion_get_estimate_at    (const MarInfusion  *infusion,
                                                   gint64              t);
/* The volume infused by @t (mL): the estimate, replaced by the last
 * confirmed volume at or before @t plus what infused since, capped. */
double            mar_infusion_get_volume_at      (const MarInfusion  *infusion,
                                                   gint64              t);
/* The volume infused in [@from, @to) (IV intake for a shift). */
double            mar_infusion_get_volume_between (const MarInfusion  *infusion,
                                                   gint64              from,
                                                   gint64              to);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarInfusion, mar_infusion_free)

G_END_DECLS
