/* mar-patient-summary.c — what a nurse sees about a patient at a glance
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-patient-summary"

#include "config.h"

#include "mar-patient-summary.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "mar-outbox.h"
#include "mar-quantity.h"
#include "mar-schedule.h"

/* Doses charted up to this long ago can chart a due time the board looks
 * at (the board looks back over the last day for overdue doses). */
#define LOOK_BACK (24 * 60 * 60)

void
mar_due_dose_free (MarDueDose *dose)
{
  if (dose == NULL)
    return;
  g_free (dose->order_id);
  g_free (dose->medication);
  g_free (dose);
}

void
mar_running_infusion_free (MarRunningInfusion *infusion)
{
  if (infusion == NULL)
    return;
  g_free (infusion->administration_id);
  g_free (infusion->medication);
  g_free (infusion);
}

void
mar_patient_summary_free (MarPatientSummary *summary)
{
  if (summary == NULL)
    return;
  g_clear_pointer (&summary->patient, mar_patient_free);
  g_clear_pointer (&summary->allergies, g_ptr_array_unref);
  g_clear_pointer (&summary->infusions, g_ptr_array_unref);
  g_clear_pointer (&summary->doses, g_ptr_array_unref);
  g_free (summary);
}

gboolean
mar_patient_summary_has_due (const MarPatientSummary *summary,
                             MarDueStatus             status)
{
  g_return_val_if_fail (summary != NULL, FALSE);

  for (guint i = 0; i < summary->doses->len; i++)
    {
      const MarDueDose *dose = g_ptr_array_index (summary->doses, i);

      if (dose->status == status)
        return TRUE;
    }
  return FALSE;
}

/* RULES.md, ALLERGY: an active allergy that is not refuted (nor entered in
 * error) counts; a "no known allergy" code is an assessment, not an
 * allergy (ALLERGIES_NOT_ASSESSED). */
static gboolean
allergy_is_negation (const MarAllergy     *allergy,
                     const MarDrugLibrary *library)
{
  for (guint i = 0; allergy->codings != NULL && i < allergy->codings->len; i++)
    {
      const MarCoding *coding = g_ptr_array_index (allergy->codings, i);

      if (mar_drug_library_is_negation (library, coding->system, coding->code))
        return TRUE;
    }
  return FALSE;
}

static gboolean
allergy_counts (const MarAllergy *allergy)
{
  if (allergy->removed)
    return FALSE;
  if (g_strcmp0 (allergy->verification_status, "refuted") == 0 ||
      g_strcmp0 (allergy->verification_status, "entered-in-error") == 0)
    return FALSE;
  return allergy->clinical_status == NULL || g_str_equal (allergy->clinical_status, "active");
}

static void
summarize_allergies (MarPatientSummary    *summary,
                     GPtrArray            *allergies,
                     const MarDrugLibrary *library)
{
  g_autoptr(GPtrArray) high = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) other = g_ptr_array_new_with_free_func (g_free);

  summary->allergies_assessed = allergies->len > 0;
  for (guint i = 0; i < allergies->len; i++)
    {
      const MarAllergy *allergy = g_ptr_array_index (allergies, i);
      const char *text;

      if (!allergy_counts (allergy) || allergy_is_negation (allergy, library))
        continue;
      text = allergy->text != NULL ? allergy->text : _("Allergy (no description)");
      if (g_strcmp0 (allergy->criticality, "high") == 0)
        {
          summary->high_criticality = TRUE;
          g_ptr_array_add (high, g_strdup (text));
        }
      else
        g_ptr_array_add (other, g_strdup (text));
    }
  for (guint i = 0; i < high->len; i++)
    g_ptr_array_add (summary->allergies, g_strdup (g_ptr_array_index (high, i)));
  for (guint i = 0; i < other->len; i++)
    g_ptr_array_add (summary->allergies, g_strdup (g_ptr_array_index (other, i)));
}

static double
product_volume_ml (const MarProduct *product)
{
  double ml;

  if (product == NULL || !product->amount.numerator.set)
    return -1;
  if (!mar_quantity_convert (&product->amount.numerator, "mL", &ml) || ml <= 0)
    return -1;
  return ml;
}

static void
set_time_left (MarRunningInfusion *running)
{
  running->seconds_left = -1;
  if (!running->paused && running->volume_left_ml >= 0 && running->rate_ml_per_h > 0)
    running->seconds_left = (gint64) llround (running->volume_left_ml / running->rate_ml_per_h * 3600.0);
}

static MarRunningInfusion *
running_from_record (const MarInfusion *bag,
                     gint64             now)
{
  MarRunningInfusion *running = g_new0 (MarRunningInfusion, 1);
  double cap = mar_infusion_get_cap_ml (bag);

  running->administration_id = g_strdup (bag->uuid);
  running->infusion_id = bag->id;
  running->medication = g_strdup (bag->medication);
  running->paused = bag->state == MAR_INFUSION_PAUSED;
  running->rate_ml_per_h = bag->rate_ml_per_h;
  running->volume_infused_ml = mar_infusion_get_volume_at (bag, now);
  running->volume_left_ml = cap < G_MAXDOUBLE ? MAX (cap - running->volume_infused_ml, 0.0) : -1;
  set_time_left (running);
  return running;
}

/* A bag charted by another terminal: only its start, rate and product are
 * known here, so the volume is rate × time since the start, capped at the
 * bag (FHIR-PROFILE.md: other terminals chart the volume when it ends). */
static MarRunningInfusion *
running_from_elsewhere (MarStore                *store,
                        const MarAdministration *administration,
                        GPtrArray               *orders,
                        gint64                   now)
{
  MarRunningInfusion *running = g_new0 (MarRunningInfusion, 1);
  g_autoptr(MarProduct) product = NULL;
  double rate = 0, volume;

  running->administration_id = g_strdup (administration->id);
  running->paused = g_strcmp0 (administration->status, "on-hold") == 0;
  if (administration->product_id != NULL)
    product = mar_store_get_product (store, administration->product_id, NULL);
  if (product != NULL && product->name != NULL)
    running->medication = g_strdup (product->name);
  for (guint i = 0; running->medication == NULL && i < orders->len; i++)
    {
      const MarOrder *order = g_ptr_array_index (orders, i);

      if (g_strcmp0 (order->id, administration->order_id) == 0 && order->medication_display != NULL)
        running->medication = g_strdup (order->medication_display);
    }
  if (running->medication == NULL)
    running->medication = g_strdup (_("IV bag"));

  if (administration->rate.set && mar_quantity_convert (&administration->rate, "mL/h", &rate))
    running->rate_ml_per_h = rate;
  volume = product_volume_ml (product);
  running->volume_infused_ml = 0;
  if (!running->paused && rate > 0 && administration->start != MAR_TIME_UNSET && now > administration->start)
    running->volume_infused_ml = rate * (double) (now - administration->start) / 3600.0;
  if (volume > 0)
    {
      running->volume_infused_ml = MIN (running->volume_infused_ml, volume);
      running->volume_left_ml = volume - running->volume_infused_ml;
    }
  else
    running->volume_left_ml = -1;
  set_time_left (running);
  return running;
}

static gboolean
intent_counts (const MarOrder *order)
{
  /* RULES.md, Orders: only intent order / original-order / instance-order. */
  return order->intent != NULL &&
         (g_str_equal (order->intent, "order") ||
          g_str_equal (order->intent, "original-order") ||
          g_str_equal (order->intent, "instance-order"));
}

static gboolean
codings_time_critical (GPtrArray            *codings,
                       const MarDrugLibrary *library)
{
  for (guint i = 0; codings != NULL && i < codings->len; i++)
    {
      const MarCoding *coding = g_ptr_array_index (codings, i);

      if (mar_drug_library_is_time_critical (library, coding->system, coding->code))
        return TRUE;
    }
  return FALSE;
}

static gboolean
order_time_critical (const MarOrder       *order,
                     const MarDrugLibrary *library)
{
  /* FHIR-PROFILE.md: priority stat is time-critical; otherwise the drug
   * library's list, by ingredient or by the order's own code. */
  if (g_strcmp0 (order->priority, "stat") == 0)
    return TRUE;
  for (guint i = 0; order->ingredients != NULL && i < order->ingredients->len; i++)
    {
      const MarIngredient *ingredient = g_ptr_array_index (order->ingredients, i);

      if (mar_drug_library_is_time_critical (library, ingredient->system, ingredient->code))
        return TRUE;
    }
  return codings_time_critical (order->medication_codes, library);
}

/* Any administration of the order that charted @due, given or documented
 * as not given (held, refused): either way the nurse has dealt with it. */
static gboolean
due_is_charted (const MarSchedule *schedule,
                GPtrArray         *administrations,
                gint64             due)
{
  for (guint i = 0; i < administrations->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (administrations, i);

      if (a->removed || g_strcmp0 (a->status, "entered-in-error") == 0 ||
          g_strcmp0 (a->order_id, schedule->order->id) != 0)
        continue;
      if (mar_schedule_charted_due (schedule, a) == due)
        return TRUE;
    }
  return FALSE;
}

static int
minutes_between (gint64 from,
                 gint64 to)
{
  gint64 d = to - from;

  /* Rounded away from zero, as the verifier reports minutes early/late. */
  return (int) (d >= 0 ? (d + 59) / 60 : -((-d + 59) / 60));
}

static void
add_due_doses (MarPatientSummary    *summary,
               const MarOrder       *order,
               GPtrArray            *administrations,
               GTimeZone            *time_zone,
               const MarDrugLibrary *library,
               gint64                now)
{
  MarSchedule schedule;
  MarDueWindow window;
  g_autoptr(GArray) dues = NULL;

  mar_schedule_init (&schedule, order, time_zone);
  if (schedule.kind == MAR_SCHEDULE_NONE || schedule.kind == MAR_SCHEDULE_UNREADABLE)
    return;
  mar_schedule_get_window (&schedule, mar_drug_library_get_time_windows (library),
                           order_time_critical (order, library), &window);

  dues = mar_schedule_list_due (&schedule, now - LOOK_BACK, now + MAR_PATIENT_SUMMARY_LOOK_AHEAD);
  for (guint i = 0; i < dues->len; i++)
    {
      gint64 due = g_array_index (dues, gint64, i);
      MarDueStatus status;
      MarDueDose *dose;

      if (due_is_charted (&schedule, administrations, due))
        continue;

      if (now > due + window.late)
        {
          gint64 next;

          /* RULES.md, Time: a window that closed uncharted while the next
           * due time is nearer is a missed dose (the shift log's business);
           * until then the dose is overdue. */
          if (mar_schedule_next_due (&schedule, due, &next) && next - now < now - due)
            continue;
          status = MAR_DUE_OVERDUE;
        }
      else if (now >= due - (window.never_early ? 0 : window.early))
        status = MAR_DUE_NOW;
      else
        status = MAR_DUE_UPCOMING;

      dose = g_new0 (MarDueDose, 1);
      dose->order_id = g_strdup (order->id);
      dose->medication = g_strdup (order->medication_display != NULL ? order->medication_display
                                                                     : order->text);
      dose->due_time = due;
      dose->status = status;
      dose->minutes = minutes_between (due, now);
      g_ptr_array_add (summary->doses, dose);
    }
}

static int
compare_doses (gconstpointer a,
               gconstpointer b)
{
  const MarDueDose *x = *(const MarDueDose * const *) a;
  const MarDueDose *y = *(const MarDueDose * const *) b;

  if (x->status != y->status)
    return x->status == MAR_DUE_OVERDUE ? -1 : y->status == MAR_DUE_OVERDUE ? 1 : 0;
  return x->due_time < y->due_time ? -1 : x->due_time > y->due_time;
}

static gboolean
order_is_scheduled_iv (const MarOrder       *order,
                       const MarDrugLibrary *library)
{
  if (order->removed || order->status != MAR_ORDER_STATUS_ACTIVE || !intent_counts (order))
    return FALSE;
  if (order->as_needed || mar_order_is_continuous (order))
    return FALSE;
  return order->route_code != NULL &&
         mar_drug_library_is_iv_route (library, order->route_system, order->route_code);
}

static MarPatientSummary *
summary_for_patient (MarVerifier  *verifier,
                     MarRecord    *record,
                     MarPatient   *patient,
                     gint64        now,
                     GError      **error)
{
  MarStore *store = mar_verifier_get_store (verifier);
  MarDrugLibrary *library = mar_verifier_get_library (verifier);
  g_autoptr(MarPatientSummary) summary = g_new0 (MarPatientSummary, 1);
  g_autoptr(GPtrArray) allergies = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) administrations = NULL;

  summary->patient = patient;
  summary->allergies = g_ptr_array_new_with_free_func (g_free);
  summary->infusions = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_running_infusion_free);
  summary->doses = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_due_dose_free);

  if (!(allergies = mar_store_list_allergies (store, patient->id, error)) ||
      !(orders = mar_store_list_orders (store, patient->id, error)) ||
      !(administrations = mar_store_list_administrations (store, patient->id, now - LOOK_BACK, error)))
    return NULL;

  summarize_allergies (summary, allergies, library);
  summary->weight_stale = !patient->weight.set ||
                          now - patient->weight_time > mar_drug_library_get_weight_max_age (library);

  for (guint i = 0; i < administrations->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (administrations, i);

      if (a->removed ||
          (g_strcmp0 (a->status, "in-progress") != 0 && g_strcmp0 (a->status, "on-hold") != 0))
        continue;
      if (record != NULL && g_strcmp0 (a->source, "local") == 0)
        {
          g_autoptr(MarInfusion) bag = mar_record_lookup_infusion (record, a->id, NULL);

          if (bag != NULL)
            {
              g_ptr_array_add (summary->infusions, running_from_record (bag, now));
              continue;
            }
        }
      g_ptr_array_add (summary->infusions, running_from_elsewhere (store, a, orders, now));
    }

  for (guint i = 0; i < orders->len; i++)
    {
      const MarOrder *order = g_ptr_array_index (orders, i);

      if (order_is_scheduled_iv (order, library))
        add_due_doses (summary, order, administrations, mar_verifier_get_time_zone (verifier),
                       library, now);
    }
  g_ptr_array_sort (summary->doses, compare_doses);

  if (!mar_outbox_count_unsent_for_patient (store, patient->id, &summary->unsynced, error))
    return NULL;

  return g_steal_pointer (&summary);
}

MarPatientSummary *
mar_patient_summary_read (MarVerifier  *verifier,
                          MarRecord    *record,
                          const char   *patient_id,
                          gint64        now,
                          GError      **error)
{
  MarPatient *patient;
  MarPatientSummary *summary;

  g_return_val_if_fail (MAR_IS_VERIFIER (verifier), NULL);
  g_return_val_if_fail (record == NULL || MAR_IS_RECORD (record), NULL);
  g_return_val_if_fail (patient_id != NULL, NULL);

  patient = mar_store_get_patient (mar_verifier_get_store (verifier), patient_id, error);
  if (patient == NULL)
    return NULL;
  /* The summary owns the patient, also when it fails. */
  summary = summary_for_patient (verifier, record, patient, now, error);
  return summary;
}

GPtrArray *
mar_patient_summary_list_unit (MarVerifier  *verifier,
                               MarRecord    *record,
                               const char   *unit_id,
                               gint64        now,
                               GError      **error)
{
  g_autoptr(GPtrArray) patients = NULL;
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_patient_summary_free);
  MarStore *store;

  g_return_val_if_fail (MAR_IS_VERIFIER (verifier), NULL);
  g_return_val_if_fail (record == NULL || MAR_IS_RECORD (record), NULL);

  store = mar_verifier_get_store (verifier);
  patients = mar_store_list_unit_patients (store, unit_id, error);
  if (patients == NULL)
    return NULL;

  /* One read snapshot for the whole board, so that a sync writing in
   * between cannot show half of its changes. */
  if (!mar_store_begin_read (store, error))
    return NULL;
  for (guint i = 0; i < patients->len; i++)
    {
      MarPatient *patient = g_steal_pointer (&g_ptr_array_index (patients, i));
      MarPatientSummary *summary;

      /* The summary owns the patient, also when it fails. */
      summary = summary_for_patient (verifier, record, patient, now, error);
      if (summary == NULL)
        {
          mar_store_rollback (store);
          return NULL;
        }
      g_ptr_array_add (summaries, summary);
    }
  mar_store_rollback (store);
  return g_steal_pointer (&summaries);
}
