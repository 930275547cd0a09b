/* mar-infusion.c — one IV bag: its state machine and the volume it gave
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-infusion"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "mar-infusion.h"

static const char * const state_names[MAR_INFUSION_N_STATES] = {
  [MAR_INFUSION_AVAILABLE] = "available",
  [MAR_INFUSION_INFUSING] = "infusing",
  [MAR_INFUSION_PAUSED] = "paused",
  [MAR_INFUSION_STOPPED] = "stopped",
  [MAR_INFUSION_COMPLETED] = "completed",
  [MAR_INFUSION_HELD] = "held",
  [MAR_INFUSION_REFUSED] = "refused",
  [MAR_INFUSION_MISSING] = "missing",
  [MAR_INFUSION_NOT_GIVEN] = "not-given",
  [MAR_INFUSION_ENTERED_IN_ERROR] = "entered-in-error",
};

static const char * const state_labels[MAR_INFUSION_N_STATES] = {
  [MAR_INFUSION_AVAILABLE] = N_("available"),
  [MAR_INFUSION_INFUSING] = N_("infusing"),
  [MAR_INFUSION_PAUSED] = N_("paused"),
  [MAR_INFUSION_STOPPED] = N_("stopped"),
  [MAR_INFUSION_COMPLETED] = N_("completed"),
  [MAR_INFUSION_HELD] = N_("held"),
  [MAR_INFUSION_REFUSED] = N_("refused"),
  [MAR_INFUSION_MISSING] = N_("missing"),
  [MAR_INFUSION_NOT_GIVEN] = N_("not given"),
  [MAR_INFUSION_ENTERED_IN_ERROR] = N_("entered in error"),
};

static const char * const action_names[MAR_INFUSION_N_ACTIONS] = {
  [MAR_INFUSION_ACTION_START] = "start",
  [MAR_INFUSION_ACTION_RATE] = "rate",
  [MAR_INFUSION_ACTION_PAUSE] = "pause",
  [MAR_INFUSION_ACTION_RESUME] = "resume",
  [MAR_INFUSION_ACTION_BOLUS] = "bolus",
  [MAR_INFUSION_ACTION_STOP] = "stop",
  [MAR_INFUSION_ACTION_COMPLETE] = "complete",
  [MAR_INFUSION_ACTION_HOLD] = "hold",
  [MAR_INFUSION_ACTION_REFUSE] = "refuse",
  [MAR_INFUSION_ACTION_MISSING] = "missing",
  [MAR_INFUSION_ACTION_NOT_GIVEN] = "not-given",
  [MAR_INFUSION_ACTION_REACTION] = "reaction",
  [MAR_INFUSION_ACTION_SITE_CHECK] = "site-check",
};

/* The state machine (docs/record.md has it as a table). -1: refused. */
#define NO -1
#define SAME -2
static const int transitions[MAR_INFUSION_N_STATES][MAR_INFUSION_N_ACTIONS] = {
  [MAR_INFUSION_AVAILABLE] = {
    [MAR_INFUSION_ACTION_START] = MAR_INFUSION_INFUSING,
    [MAR_INFUSION_ACTION_RATE] = NO,
    [MAR_INFUSION_ACTION_PAUSE] = NO,
    [MAR_INFUSION_ACTION_RESUME] = NO,
    [MAR_INFUSION_ACTION_BOLUS] = NO,
    [MAR_INFUSION_ACTION_STOP] = NO,
    [MAR_INFUSION_ACTION_COMPLETE] = NO,
    [MAR_INFUSION_ACTION_HOLD] = MAR_INFUSION_HELD,
    [MAR_INFUSION_ACTION_REFUSE] = MAR_INFUSION_REFUSED,
    [MAR_INFUSION_ACTION_MISSING] = MAR_INFUSION_MISSING,
    [MAR_INFUSION_ACTION_NOT_GIVEN] = MAR_INFUSION_NOT_GIVEN,
    [MAR_INFUSION_ACTION_REACTION] = NO,
    [MAR_INFUSION_ACTION_SITE_CHECK] = NO,
  },
  [MAR_INFUSION_INFUSING] = {
    [MAR_INFUSION_ACTION_START] = NO,
    [MAR_INFUSION_ACTION_RATE] = SAME,
    [MAR_INFUSION_ACTION_PAUSE] = MAR_INFUSION_PAUSED,
    [MAR_INFUSION_ACTION_RESUME] = NO,
    [MAR_INFUSION_ACTION_BOLUS] = SAME,
    [MAR_INFUSION_ACTION_STOP] = MAR_INFUSION_STOPPED,
    [MAR_INFUSION_ACTION_COMPLETE] = MAR_INFUSION_COMPLETED,
    [MAR_INFUSION_ACTION_HOLD] = NO,
    [MAR_INFUSION_ACTION_REFUSE] = NO,
    [MAR_INFUSION_ACTION_MISSING] = NO,
    [MAR_INFUSION_ACTION_NOT_GIVEN] = NO,
    [MAR_INFUSION_ACTION_REACTION] = SAME,
    [MAR_INFUSION_ACTION_SITE_CHECK] = SAME,
  },
  [MAR_INFUSION_PAUSED] = {
    [MAR_INFUSION_ACTION_START] = NO,
    [MAR_INFUSION_ACTION_RATE] = NO,
    [MAR_INFUSION_ACTION_PAUSE] = NO,
    [MAR_INFUSION_ACTION_RESUME] = MAR_INFUSION_INFUSING,
    [MAR_INFUSION_ACTION_BOLUS] = NO,
    [MAR_INFUSION_ACTION_STOP] = MAR_INFUSION_STOPPED,
    [MAR_INFUSION_ACTION_COMPLETE] = MAR_INFUSION_COMPLETED,
    [MAR_INFUSION_ACTION_HOLD] = NO,
    [MAR_INFUSION_ACTION_REFUSE] = NO,
    [MAR_INFUSION_ACTION_MISSING] = NO,
    [MAR_INFUSION_ACTION_NOT_GIVEN] = NO,
    [MAR_INFUSION_ACTION_REACTION] = SAME,
    [MAR_INFUSION_ACTION_SITE_CHECK] = SAME,
  },
  [MAR_INFUSION_STOPPED] = {
    [MAR_INFUSION_ACTION_START] = NO,
    [MAR_INFUSION_ACTION_RATE] = NO,
    [MAR_INFUSION_ACTION_PAUSE] = NO,
    [MAR_INFUSION_ACTION_RESUME] = MAR_INFUSION_INFUSING,
    [MAR_INFUSION_ACTION_BOLUS] = NO,
    [MAR_INFUSION_ACTION_STOP] = NO,
    [MAR_INFUSION_ACTION_COMPLETE] = MAR_INFUSION_COMPLETED,
    [MAR_INFUSION_ACTION_HOLD] = NO,
    [MAR_INFUSION_ACTION_REFUSE] = NO,
    [MAR_INFUSION_ACTION_MISSING] = NO,
    [MAR_INFUSION_ACTION_NOT_GIVEN] = NO,
    [MAR_INFUSION_ACTION_REACTION] = SAME,
    [MAR_INFUSION_ACTION_SITE_CHECK] = SAME,
  },
  /* A reaction can show after the bag ran out (delayed reactions). */
  [MAR_INFUSION_COMPLETED] = {
    [MAR_INFUSION_ACTION_START] = NO,
    [MAR_INFUSION_ACTION_RATE] = NO,
    [MAR_INFUSION_ACTION_PAUSE] = NO,
    [MAR_INFUSION_ACTION_RESUME] = NO,
    [MAR_INFUSION_ACTION_BOLUS] = NO,
    [MAR_INFUSION_ACTION_STOP] = NO,
    [MAR_INFUSION_ACTION_COMPLETE] = NO,
    [MAR_INFUSION_ACTION_HOLD] = NO,
    [MAR_INFUSION_ACTION_REFUSE] = NO,
    [MAR_INFUSION_ACTION_MISSING] = NO,
    [MAR_INFUSION_ACTION_NOT_GIVEN] = NO,
    [MAR_INFUSION_ACTION_REACTION] = SAME,
    [MAR_INFUSION_ACTION_SITE_CHECK] = SAME,
  },
  [MAR_INFUSION_HELD] = {
    NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
  },
  [MAR_INFUSION_REFUSED] = {
    NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
  },
  [MAR_INFUSION_MISSING] = {
    NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
  },
  [MAR_INFUSION_NOT_GIVEN] = {
    NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
  },
  [MAR_INFUSION_ENTERED_IN_ERROR] = {
    NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
  },
};

G_STATIC_ASSERT (MAR_INFUSION_N_ACTIONS == 13);

MarInfusion *
mar_infusion_new (void)
{
  MarInfusion *infusion = g_new0 (MarInfusion, 1);

  infusion->started_at = MAR_TIME_UNSET;
  infusion->ended_at = MAR_TIME_UNSET;
  infusion->last_at = MAR_TIME_UNSET;
  infusion->due_time = MAR_TIME_UNSET;
  infusion->segments = g_array_new (FALSE, TRUE, sizeof (MarInfusionSegment));
  infusion->boluses = g_array_new (FALSE, TRUE, sizeof (MarInfusionBolus));
  infusion->volume_checks = g_array_new (FALSE, TRUE, sizeof (MarVolumeCheck));
  return infusion;
}

void
mar_infusion_free (MarInfusion *infusion)
{
  if (infusion == NULL)
    return;
  g_free (infusion->uuid);
  g_free (infusion->patient_id);
  g_free (infusion->encounter_id);
  g_free (infusion->order_id);
  g_free (infusion->order_version);
  g_free (infusion->product_id);
  g_free (infusion->dispense_id);
  g_free (infusion->bag_id);
  g_free (infusion->gtin);
  g_free (infusion->lot);
  g_free (infusion->serial);
  g_free (infusion->expiry);
  g_free (infusion->medication);
  g_free (infusion->state_reason);
  g_free (infusion->state_comment);
  g_free (infusion->site);
  g_free (infusion->pump);
  g_free (infusion->channel);
  g_free (infusion->performer_id);
  g_free (infusion->witness_id);
  g_array_unref (infusion->segments);
  g_array_unref (infusion->boluses);
  g_array_unref (infusion->volume_checks);
  g_free (infusion);
}

const char *
mar_infusion_state_to_string (MarInfusionState state)
{
  g_return_val_if_fail ((guint) state < MAR_INFUSION_N_STATES, NULL);
  return state_names[state];
}

gboolean
mar_infusion_state_from_string (const char       *text,
                                MarInfusionState *state)
{
  for (guint i = 0; text != NULL && i < MAR_INFUSION_N_STATES; i++)
    if (g_str_equal (text, state_names[i]))
      {
        *state = (MarInfusionState) i;
        return TRUE;
      }
  return FALSE;
}

const char *
mar_infusion_state_get_label (MarInfusionState state)
{
  g_return_val_if_fail ((guint) state < MAR_INFUSION_N_STATES, NULL);
  return _(state_labels[state]);
}

const char *
mar_infusion_action_to_string (MarInfusionAction action)
{
  g_return_val_if_fail ((guint) action < MAR_INFUSION_N_ACTIONS, NULL);
  return action_names[action];
}

gboolean
mar_infusion_state_allows (MarInfusionState   state,
                           MarInfusionAction  action,
                           MarInfusionState  *next)
{
  int to;

  g_return_val_if_fail ((guint) state < MAR_INFUSION_N_STATES, FALSE);
  g_return_val_if_fail ((guint) action < MAR_INFUSION_N_ACTIONS, FALSE);

  to = transitions[state][action];
  if (to == NO)
    return FALSE;
  if (next != NULL)
    *next = to == SAME ? state : (MarInfusionState) to;
  return TRUE;
}

gboolean
mar_infusion_state_is_hung (MarInfusionState state)
{
  return state == MAR_INFUSION_INFUSING || state == MAR_INFUSION_PAUSED || state == MAR_INFUSION_STOPPED;
}

gboolean
mar_infusion_state_is_not_done (MarInfusionState state)
{
  return state == MAR_INFUSION_HELD || state == MAR_INFUSION_REFUSED ||
         state == MAR_INFUSION_MISSING || state == MAR_INFUSION_NOT_GIVEN;
}

const char *
mar_infusion_state_to_fhir (MarInfusionState state)
{
  switch (state)
    {
    case MAR_INFUSION_INFUSING: return "in-progress";
    case MAR_INFUSION_PAUSED: return "on-hold";       /* FHIR-PROFILE.md: on-hold means paused */
    case MAR_INFUSION_STOPPED: return "stopped";
    case MAR_INFUSION_COMPLETED: return "completed";
    case MAR_INFUSION_HELD:
    case MAR_INFUSION_REFUSED:
    case MAR_INFUSION_MISSING:
    case MAR_INFUSION_NOT_GIVEN: return "not-done";
    case MAR_INFUSION_ENTERED_IN_ERROR: return "entered-in-error";
    case MAR_INFUSION_AVAILABLE:
    case MAR_INFUSION_N_STATES:
    default: return NULL;
    }
}

/* Volume ------------------------------------------------------------------ */

double
mar_infusion_get_cap_ml (const MarInfusion *infusion)
{
  g_return_val_if_fail (infusion != NULL, G_MAXDOUBLE);

  /* RULES.md: capped at the bag volume. Without one (a product whose
   * volume the catalog does not give), the volume to be infused is the
   * most the pump was set to give. */
  if (infusion->bag_volume_ml > 0)
    return infusion->bag_volume_ml;
  if (infusion->vtbi_ml > 0)
    return infusion->vtbi_ml;
  return G_MAXDOUBLE;
}

/* Σ rate × time up to @t, plus boluses at or before @t (@inclusive) or
 * before it. */
static double
estimate (const MarInfusion *infusion,
          gint64             t,
          gboolean           inclusive)
{
  double total = 0;

  for (guint i = 0; i < infusion->segments->len; i++)
    {
      const MarInfusionSegment *s = &g_array_index (infusion->segments, MarInfusionSegment, i);
      gint64 end = s->end == MAR_TIME_UNSET ? t : MIN (s->end, t);

      if (end > s->start && s->rate_ml_per_h > 0)
        total += s->rate_ml_per_h * (double) (end - s->start) / 3600.0;
    }
  for (guint i = 0; i < infusion->boluses->len; i++)
    {
      const MarInfusionBolus *b = &g_array_index (infusion->boluses, MarInfusionBolus, i);

      if (b->at < t || (inclusive && b->at == t))
        total += b->volume_ml;
    }
  return total;
}

static double
volume (const MarInfusion *infusion,
        gint64             t,
        gboolean           inclusive)
{
  const MarVolumeCheck *last = NULL;
  double value;

  for (guint i = 0; i < infusion->volume_checks->len; i++)
    {
      const MarVolumeCheck *c = &g_array_index (infusion->volume_checks, MarVolumeCheck, i);

      if (c->at < t || (inclusive && c->at == t))
        last = c;
    }
  value = estimate (infusion, t, inclusive);
  if (last != NULL)
    value = last->confirmed_ml + (value - estimate (infusion, last->at, TRUE));
  return CLAMP (value, 0, mar_infusion_get_cap_ml (infusion));
}

double
mar_infusion_get_estimate_at (const MarInfusion *infusion,
                              gint64             t)
{
  g_return_val_if_fail (infusion != NULL, 0);
  return estimate (infusion, t, TRUE);
}

double
mar_infusion_get_volume_at (const MarInfusion *infusion,
                            gint64             t)
{
  g_return_val_if_fail (infusion != NULL, 0);
  return volume (infusion, t, TRUE);
}

double
mar_infusion_get_volume_between (const MarInfusion *infusion,
                                 gint64             from,
                                 gint64             to)
{
  g_return_val_if_fail (infusion != NULL, 0);

  if (to <= from)
    return 0;
  /* Half-open: a bolus or a confirmation exactly at 07:00 belongs to the
   * shift that starts at 07:00. */
  return volume (infusion, to, FALSE) - volume (infusion, from, FALSE);
}
