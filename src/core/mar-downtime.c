/* mar-downtime.c — the downtime printout: the paper MAR nurses fall back to
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-downtime"

#include "config.h"

#include "mar-downtime.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-audit.h"
#include "mar-patient-summary.h"
#include "mar-quantity.h"
#include "mar-schedule.h"
#include "mar-time.h"

/* Administrations charted up to this long ago can chart a due time the
 * printout lists (as the unit board looks back). */
#define LOOK_BACK (24 * 60 * 60)

/* A blank box to chart in by hand: two lines high, so that a time and
 * initials fit in pen. Its value for CSV and JSON is empty. */
#define BLANK " \n "

G_DEFINE_QUARK (mar-downtime-error-quark, mar_downtime_error)

typedef struct
{
  MarVerifier    *verifier;
  MarStore       *store;
  MarDrugLibrary *library;
  MarRecord      *record;
  GTimeZone      *time_zone;
  MarReport      *report;
  gint64          now;
  gint64          horizon;
  guint           n_orders;
  guint           n_held;
  guint           n_bags;
  guint           n_doses;
} Printout;

static char *
local_time (Printout   *self,
            gint64      t,
            const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->time_zone);

  return g_date_time_format (local, format);
}

/* "09:45", or "Fri 16 09:45" when it is not the day of printing: a paper
 * that spans midnight must not be read as today's. */
static char *
clock_text (Printout *self,
            gint64    t)
{
  g_autofree char *day = local_time (self, t, "%Y-%m-%d");
  g_autofree char *today = local_time (self, self->now, "%Y-%m-%d");

  if (g_str_equal (day, today))
    return local_time (self, t, "%H:%M");
  return local_time (self, t, "%a %d %H:%M");
}

static char *
duration_text (gint64 seconds)
{
  gint64 minutes = MAX (seconds, 0) / 60;

  if (minutes < 60)
    /* TRANSLATORS: an age in minutes */
    return g_strdup_printf (_("%d min"), (int) minutes);
  if (minutes < 48 * 60)
    /* TRANSLATORS: an age in hours and minutes */
    return g_strdup_printf (_("%d h %02d min"), (int) (minutes / 60), (int) (minutes % 60));
  /* TRANSLATORS: an age in days */
  return g_strdup_printf (_("%d days"), (int) (minutes / (24 * 60)));
}

static char *
quantity_range_text (const MarQuantity *low,
                     const MarQuantity *high)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (!low->set)
    return g_strdup ("");
  if (!high->set || mar_quantity_values_equal (low->value, high->value))
    return mar_quantity_format (low->value, low->unit);
  to = mar_quantity_format (high->value, high->unit);
  /* "1–2 mg", or both units when they differ ("500 mcg – 1 mg"). */
  if (g_strcmp0 (low->unit, high->unit) == 0)
    {
      from = mar_quantity_format_value (low->value);
      return g_strdup_printf ("%s–%s", from, to);
    }
  from = mar_quantity_format (low->value, low->unit);
  return g_strdup_printf ("%s – %s", from, to);
}

/* Orders ------------------------------------------------------------------ */

static gboolean
intent_counts (const MarOrder *order)
{
  /* RULES.md, Orders: only intent order / original-order / instance-order. */
  return order->intent != NULL &&
         (g_str_equal (order->intent, "order") ||
          g_str_equal (order->intent, "original-order") ||
          g_str_equal (order->intent, "instance-order"));
}

/* The orders a nurse may be asked to give from paper: active or on hold
 * (held orders are printed, marked, so that nobody gives them by mistake
 * from an older sheet), IV, not past their end (RULES.md, ORDER_EXPIRED).
 * Stopped, cancelled, completed, draft and entered-in-error orders are
 * left off: paper must not offer them. */
static gboolean
order_is_printed (Printout       *self,
                  const MarOrder *order)
{
  if (order->removed || !intent_counts (order))
    return FALSE;
  if (order->status != MAR_ORDER_STATUS_ACTIVE && order->status != MAR_ORDER_STATUS_ON_HOLD)
    return FALSE;
  if (order->bounds_end != MAR_TIME_UNSET && order->bounds_end < self->now)
    return FALSE;
  return order->route_code != NULL &&
         mar_drug_library_is_iv_route (self->library, order->route_system, order->route_code);
}

static gboolean
same_code (const char *system_a,
           const char *code_a,
           const char *system_b,
           const char *code_b)
{
  return code_a != NULL && code_b != NULL && g_strcmp0 (system_a, system_b) == 0 && strcmp (code_a, code_b) == 0;
}

/* Base units per mL of an ingredient's strength, when it gives one. */
static gboolean
strength_per_ml (const MarIngredient *ingredient,
                 MarUnit             *numerator_unit,
                 double              *per_ml)
{
  MarUnit num, den;
  double num_base, den_ml;

  if (!ingredient->strength.numerator.set || !ingredient->strength.denominator.set ||
      !mar_quantity_to_base (&ingredient->strength.numerator, &num, &num_base) ||
      !mar_quantity_to_base (&ingredient->strength.denominator, &den, &den_ml) ||
      den.dimension != MAR_DIMENSION_VOLUME || den_ml <= 0 ||
      num.per_time != 0 || num.per_kg || num.per_volume != 0)
    return FALSE;
  *numerator_unit = num;
  *per_ml = num_base / den_ml;
  return TRUE;
}

/* RULES.md, WITNESS_REQUIRED, applied to the order's ingredients: the
 * drug library's high-alert rules by ingredient, class, or ingredient
 * above a concentration. As at the bedside, a concentration that cannot be
 * worked out is no proof that the order is below the threshold. Returns
 * the rules' reasons, or NULL. */
static char *
order_high_alert (Printout       *self,
                  const MarOrder *order)
{
  GPtrArray *rules = mar_drug_library_get_high_alert_rules (self->library);
  gboolean continuous = mar_order_is_continuous (order);
  GString *reasons = NULL;

  for (guint r = 0; r < rules->len; r++)
    {
      const MarHighAlertRule *rule = g_ptr_array_index (rules, r);
      gboolean applies = FALSE;

      if (rule->continuous_only && !continuous)
        continue;
      for (guint k = 0; k < rule->ingredients->len && !applies; k++)
        {
          const MarCoding *c = g_ptr_array_index (rule->ingredients, k);

          for (guint i = 0; order->ingredients != NULL && i < order->ingredients->len && !applies; i++)
            {
              const MarIngredient *ing = g_ptr_array_index (order->ingredients, i);
              MarUnit unit;
              double per_ml;

              if (!same_code (c->system, c->code, ing->system, ing->code))
                continue;
              applies = !rule->has_threshold ||
                        !strength_per_ml (ing, &unit, &per_ml) ||
                        unit.dimension != rule->threshold_unit.dimension ||
                        mar_quantity_compare_values (per_ml, rule->threshold_base) > 0;
            }
          /* An order coded at ingredient level only (no Medication). */
          for (guint i = 0; order->medication_codes != NULL && i < order->medication_codes->len && !applies; i++)
            {
              const MarCoding *code = g_ptr_array_index (order->medication_codes, i);

              applies = same_code (c->system, c->code, code->system, code->code);
            }
        }
      if (!applies)
        continue;
      if (reasons == NULL)
        reasons = g_string_new (rule->reason);
      else if (strstr (reasons->str, rule->reason) == NULL)
        g_string_append_printf (reasons, ", %s", rule->reason);
    }
  return reasons != NULL ? g_string_free (reasons, FALSE) : NULL;
}

static const char *
order_medication (const MarOrder *order)
{
  if (order->medication_display != NULL)
    return order->medication_display;
  if (order->text != NULL)
    return order->text;
  return _("Medication not named: call pharmacy");
}

static char *
period_text (double      period,
             const char *unit)
{
  g_autofree char *n = mar_quantity_format_value (period);

  /* TRANSLATORS: "every 6 h", "every 1 d": a UCUM time unit */
  return g_strdup_printf (_("every %s %s"), n, unit);
}

static char *
schedule_text (const MarOrder *order)
{
  GString *out = g_string_new (NULL);

  if (order->as_needed)
    /* TRANSLATORS: as needed (pro re nata) */
    g_string_append (out, _("PRN"));
  if (mar_order_is_continuous (order))
    g_string_append_printf (out, "%s%s", out->len > 0 ? " · " : "", _("Continuous"));
  if (order->text != NULL && order->text[0] != '\0')
    g_string_append_printf (out, "%s%s", out->len > 0 ? " · " : "", order->text);
  else if (order->period > 0 && order->period_unit[0] != '\0')
    {
      g_autofree char *every = period_text (order->period / MAX (order->frequency, 1), order->period_unit);

      g_string_append_printf (out, "%s%s", out->len > 0 ? " · " : "", every);
    }
  if (order->as_needed && order->period > 0 && order->period_unit[0] != '\0')
    {
      g_autofree char *n = mar_quantity_format_value (order->period);

      /* TRANSLATORS: a PRN order's minimum interval (RULES.md, PRN_TOO_SOON) */
      g_string_append_printf (out, " · ");
      g_string_append_printf (out, _("not sooner than %s %s apart"), n, order->period_unit);
    }
  return g_string_free (out, FALSE);
}

static void
add_order_row (Printout       *self,
               MarReportTable *table,
               const MarOrder *order)
{
  g_autofree char *dose = quantity_range_text (&order->dose, &order->dose_high);
  g_autofree char *rate = quantity_range_text (&order->rate, &order->rate_high);
  g_autofree char *schedule = schedule_text (order);
  g_autofree char *high_alert = order_high_alert (self, order);
  gboolean held = order->status == MAR_ORDER_STATUS_ON_HOLD;
  GString *flags = g_string_new (NULL);
  g_autofree char *flags_text = NULL;
  MarReportRow *row;

  if (held)
    /* TRANSLATORS: an order on hold, printed in capitals on purpose */
    g_string_append (flags, _("HELD: do not give"));
  if (high_alert != NULL)
    {
      if (flags->len > 0)
        g_string_append (flags, " · ");
      /* TRANSLATORS: %s: why (the drug library's reason: "Heparin") */
      g_string_append_printf (flags, _("HIGH-ALERT (%s): witness required"), high_alert);
    }
  if (!order->dose.set && !order->rate.set)
    {
      if (flags->len > 0)
        g_string_append (flags, " · ");
      /* RULES.md, ORDER_INCOMPLETE */
      g_string_append (flags, _("No dose ordered: call the prescriber"));
    }
  flags_text = g_string_free (flags, FALSE);

  row = mar_report_table_add_row (table, held || high_alert != NULL ? MAR_REPORT_ROW_FLAGGED : MAR_REPORT_ROW_PLAIN);
  mar_report_row_set (table, row, "medication", order_medication (order), NULL);
  mar_report_row_set (table, row, "dose", dose, NULL);
  mar_report_row_set (table, row, "route", order->route_display != NULL ? order->route_display : _("Intravenous"),
                      NULL);
  mar_report_row_set (table, row, "rate", rate, NULL);
  mar_report_row_set (table, row, "schedule", schedule, NULL);
  mar_report_row_set (table, row, "status", flags_text,
                      held ? mar_order_status_to_string (order->status) : flags_text);
  self->n_orders++;
  if (held)
    self->n_held++;
}

/* Doses due ------------------------------------------------------------------ */

typedef struct
{
  gint64          due;
  const MarOrder *order;
  const char     *note;       /* "due now", "overdue", or NULL */
  gboolean        high_alert;
} DueLine;

static int
compare_due_lines (gconstpointer a,
                   gconstpointer b)
{
  const DueLine *x = a;
  const DueLine *y = b;

  if (x->due != y->due)
    return x->due < y->due ? -1 : 1;
  return g_strcmp0 (order_medication (x->order), order_medication (y->order));
}

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

static const MarOrder *
find_order (GPtrArray  *orders,
            const char *id)
{
  for (guint i = 0; i < orders->len; i++)
    {
      const MarOrder *order = g_ptr_array_index (orders, i);

      if (g_strcmp0 (order->id, id) == 0)
        return order;
    }
  return NULL;
}

/* Due times of the active scheduled orders in [now, horizon] (both ends:
 * a dose due exactly at the horizon is on the sheet) that nobody has
 * charted; and, from the unit board's summary, the doses before now that
 * are due now or overdue (RULES.md, Time), which paper must not lose. */
static void
collect_due_lines (Printout                *self,
                   const MarPatientSummary *summary,
                   GPtrArray               *orders,
                   GPtrArray               *administrations,
                   GArray                  *lines)
{
  for (guint i = 0; i < summary->doses->len; i++)
    {
      const MarDueDose *dose = g_ptr_array_index (summary->doses, i);
      g_autofree char *high_alert = NULL;
      DueLine line = { 0 };

      if (dose->due_time >= self->now)
        continue;
      line.order = find_order (orders, dose->order_id);
      if (line.order == NULL)
        continue;
      line.due = dose->due_time;
      line.note = dose->status == MAR_DUE_OVERDUE ? _("OVERDUE") : _("due now");
      high_alert = order_high_alert (self, line.order);
      line.high_alert = high_alert != NULL;
      g_array_append_val (lines, line);
    }

  for (guint i = 0; i < orders->len; i++)
    {
      const MarOrder *order = g_ptr_array_index (orders, i);
      g_autoptr(GArray) dues = NULL;
      g_autofree char *high_alert = NULL;
      MarSchedule schedule;

      if (!order_is_printed (self, order) || order->status != MAR_ORDER_STATUS_ACTIVE ||
          order->as_needed || mar_order_is_continuous (order))
        continue;
      mar_schedule_init (&schedule, order, self->time_zone);
      if (schedule.kind == MAR_SCHEDULE_NONE || schedule.kind == MAR_SCHEDULE_UNREADABLE)
        continue;
      high_alert = order_high_alert (self, order);
      dues = mar_schedule_list_due (&schedule, self->now, self->horizon);
      for (guint k = 0; k < dues->len; k++)
        {
          DueLine line = { 0 };

          line.due = g_array_index (dues, gint64, k);
          if (due_is_charted (&schedule, administrations, line.due))
            continue;
          line.order = order;
          line.high_alert = high_alert != NULL;
          g_array_append_val (lines, line);
        }
    }
  g_array_sort (lines, compare_due_lines);
}

static void
add_due_row (Printout       *self,
             MarReportTable *table,
             const DueLine  *line)
{
  g_autofree char *due = clock_text (self, line->due);
  g_autofree char *due_value = mar_time_format_iso (line->due, self->time_zone);
  g_autofree char *due_text = line->note != NULL ? g_strdup_printf ("%s (%s)", due, line->note) : g_strdup (due);
  g_autofree char *dose = quantity_range_text (&line->order->dose, &line->order->dose_high);
  g_autofree char *medication = line->high_alert
                                /* TRANSLATORS: a dose of a high-alert drug: a witness signs too */
                                ? g_strdup_printf (_("%s (witness)"), order_medication (line->order))
                                : g_strdup (order_medication (line->order));
  MarReportRow *row;

  row = mar_report_table_add_row (table, line->note != NULL ? MAR_REPORT_ROW_FLAGGED : MAR_REPORT_ROW_PLAIN);
  mar_report_row_set (table, row, "due", due_text, due_value);
  mar_report_row_set (table, row, "medication", medication, order_medication (line->order));
  mar_report_row_set (table, row, "dose", dose, NULL);
  mar_report_row_set (table, row, "given_at", BLANK, "");
  mar_report_row_set (table, row, "initials", BLANK, "");
  /* A dose that needs no witness gets a dash, so an empty box always
   * means "not yet signed". */
  mar_report_row_set (table, row, "witness", line->high_alert ? BLANK : "—", "");
  self->n_doses++;
}

/* Bags --------------------------------------------------------------------------- */

static void
add_bag_row (Printout                 *self,
             MarReportTable           *table,
             const MarRunningInfusion *running)
{
  g_autoptr(MarInfusion) bag = NULL;
  g_autoptr(MarAdministration) administration = NULL;
  g_autofree char *rate = NULL;
  g_autofree char *rate_value = NULL;
  g_autofree char *volume = NULL;
  g_autofree char *volume_value = NULL;
  g_autofree char *started = NULL;
  g_autofree char *started_value = NULL;
  const char *bag_id = NULL;
  gint64 start = MAR_TIME_UNSET;
  gboolean high_alert = FALSE;
  MarReportRow *row;

  if (running->infusion_id != 0 && self->record != NULL)
    bag = mar_record_get_infusion (self->record, running->infusion_id, NULL);
  if (bag != NULL)
    {
      start = bag->started_at;
      bag_id = bag->bag_id != NULL ? bag->bag_id : bag->serial;
      high_alert = bag->requires_witness;
    }
  else
    {
      administration = mar_store_get_administration (self->store, running->administration_id, NULL);
      if (administration != NULL)
        {
          start = administration->start;
          bag_id = administration->bag_id;
        }
    }

  if (running->rate_ml_per_h > 0)
    {
      rate = mar_quantity_format (running->rate_ml_per_h, "mL/h");
      rate_value = mar_quantity_format_value (running->rate_ml_per_h);
    }
  volume = mar_quantity_format (round (running->volume_infused_ml), "mL");
  volume_value = g_strdup_printf ("%.0f", running->volume_infused_ml);
  if (start != MAR_TIME_UNSET)
    {
      started = local_time (self, start, "%Y-%m-%d %H:%M");
      started_value = mar_time_format_iso (start, self->time_zone);
    }

  row = mar_report_table_add_row (table, running->paused || high_alert ? MAR_REPORT_ROW_FLAGGED
                                                                       : MAR_REPORT_ROW_PLAIN);
  mar_report_row_set (table, row, "medication", running->medication, NULL);
  mar_report_row_set (table, row, "state", running->paused ? _("PAUSED") : _("Infusing"),
                      running->paused ? "paused" : "infusing");
  mar_report_row_set (table, row, "rate", rate, rate_value);
  mar_report_row_set (table, row, "started", started, started_value);
  mar_report_row_set (table, row, "volume", volume, volume_value);
  mar_report_row_set (table, row, "bag", bag_id, NULL);
  mar_report_row_set (table, row, "charted",
                      running->infusion_id != 0 ? _("This terminal") : _("Another terminal or system"),
                      running->infusion_id != 0 ? "local" : "elsewhere");
  self->n_bags++;
}

/* One patient ------------------------------------------------------------------------- */

static char *
patient_banner (const MarPatient *patient)
{
  g_autofree char *name = mar_patient_dup_display_name (patient);
  g_autofree char *weight = NULL;
  GString *out = g_string_new (NULL);

  /* TRANSLATORS: the bed, then the patient's name */
  g_string_append_printf (out, _("Bed %s — %s"), patient->bed_name != NULL ? patient->bed_name : _("no bed"), name);
  g_string_append_printf (out, " · %s %s", _("MRN"), patient->mrn != NULL ? patient->mrn : _("none"));
  g_string_append_printf (out, " · %s %s", _("born"), patient->birth_date != NULL ? patient->birth_date : _("unknown"));
  if (patient->weight.set)
    weight = mar_quantity_format (patient->weight.value, patient->weight.unit[0] != '\0' ? patient->weight.unit : "kg");
  g_string_append_printf (out, " · %s %s", _("weight"), weight != NULL ? weight : _("not recorded"));
  return g_string_free (out, FALSE);
}

/* RULES.md, ALLERGY and ALLERGIES_NOT_ASSESSED: on paper there is no
 * engine to stop a dose, so the allergies are the loudest line; "none
 * known" and "never asked" are not the same. */
static char *
allergy_line (const MarPatientSummary *summary)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (!summary->allergies_assessed)
    return g_strdup (_("ALLERGIES NOT ASSESSED: ask before giving anything"));
  if (summary->allergies->len == 0)
    return g_strdup (_("Allergies: no known drug allergies"));
  for (guint i = 0; i < summary->allergies->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "; " : "", (const char *) g_ptr_array_index (summary->allergies, i));
  /* TRANSLATORS: the allergies, in capitals on purpose */
  return g_strdup_printf (summary->high_criticality ? _("ALLERGIES (HIGH RISK): %s") : _("ALLERGIES: %s"), out->str);
}

static gboolean
add_patient (Printout                *self,
             const MarPatientSummary *summary,
             GError                 **error)
{
  const MarPatient *patient = summary->patient;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) administrations = NULL;
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (DueLine));
  g_autofree char *banner = patient_banner (patient);
  g_autofree char *allergies = allergy_line (summary);
  g_autofree char *title = g_strdup_printf ("%s\n%s", banner, allergies);
  g_autofree char *until = clock_text (self, self->horizon);
  g_autofree char *doses_title = NULL;
  g_autofree char *bags_title = NULL;
  MarReportTable *table;

  if (!(orders = mar_store_list_orders (self->store, patient->id, error)) ||
      !(administrations = mar_store_list_administrations (self->store, patient->id, self->now - LOOK_BACK, error)))
    return FALSE;

  table = mar_report_add_table (self->report, "orders", title, _("No active IV orders"));
  mar_report_table_set_group (table, banner);
  mar_report_table_add_column (table, "medication", _("Medication"), 3.2, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "dose", _("Dose"), 1.2, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "route", _("Route"), 1.0, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "rate", _("Rate"), 1.3, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "schedule", _("Schedule"), 2.0, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "status", _("Held, high-alert"), 2.3, MAR_REPORT_ALIGN_START);
  for (guint i = 0; i < orders->len; i++)
    {
      const MarOrder *order = g_ptr_array_index (orders, i);

      if (order_is_printed (self, order))
        add_order_row (self, table, order);
    }

  collect_due_lines (self, summary, orders, administrations, lines);
  /* TRANSLATORS: %s: the time the list ends; then the patient's bed and name */
  doses_title = g_strdup_printf (_("Doses due until %s — chart by hand — %s"), until, banner);
  table = mar_report_add_table (self->report, "doses", doses_title, _("No scheduled IV doses due"));
  mar_report_table_set_group (table, banner);
  mar_report_table_add_column (table, "due", _("Due"), 1.3, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "medication", _("Medication"), 3.2, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "dose", _("Dose"), 1.2, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "given_at", _("Time given"), 1.3, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "initials", _("Nurse initials"), 1.3, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "witness", _("Witness initials"), 1.3, MAR_REPORT_ALIGN_START);
  for (guint i = 0; i < lines->len; i++)
    add_due_row (self, table, &g_array_index (lines, DueLine, i));

  /* TRANSLATORS: %s: the patient's bed and name */
  bags_title = g_strdup_printf (_("Bags hanging now — %s"), banner);
  table = mar_report_add_table (self->report, "bags", bags_title, _("No IV bag hanging"));
  mar_report_table_set_group (table, banner);
  mar_report_table_add_column (table, "medication", _("Bag"), 3.0, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "state", _("State"), 0.9, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "rate", _("Current rate"), 1.1, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "started", _("Started"), 1.4, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "volume", _("Infused at printing (estimate)"), 1.4, MAR_REPORT_ALIGN_END);
  mar_report_table_add_column (table, "bag", _("Bag id"), 1.6, MAR_REPORT_ALIGN_START);
  mar_report_table_add_column (table, "charted", _("Charted on"), 1.4, MAR_REPORT_ALIGN_START);
  for (guint i = 0; i < summary->infusions->len; i++)
    add_bag_row (self, table, g_ptr_array_index (summary->infusions, i));
  return TRUE;
}

/* The report ---------------------------------------------------------------------------- */

static void
set_header (Printout   *self,
            const char *unit_id,
            const char *terminal,
            gint64      last_sync,
            guint       hours)
{
  MarReport *report = self->report;
  g_autoptr(MarLocation) unit = unit_id != NULL ? mar_store_get_location (self->store, unit_id, NULL) : NULL;
  g_autofree char *printed = local_time (self, self->now, "%a %Y-%m-%d %H:%M %Z");
  g_autofree char *until = local_time (self, self->horizon, "%a %Y-%m-%d %H:%M");
  gint64 stale = mar_drug_library_get_cache_stale_limit (self->library);

  report->unit_id = g_strdup (unit_id);
  report->unit_name = g_strdup (unit != NULL && unit->name != NULL ? unit->name
                                : unit_id != NULL ? unit_id : _("All units"));
  report->printed_at = self->now;
  report->shift_start = self->now;
  report->shift_end = self->horizon;
  report->shift_name = g_strdup (_("downtime"));
  report->shift_date = local_time (self, self->now, "%Y-%m-%d");
  /* TRANSLATORS: printed at; the end of the doses listed; how many hours; the terminal's id */
  report->shift_label = g_strdup_printf (_("Printed %s · doses due until %s (%u h) · terminal %s"),
                                         printed, until, hours, terminal);

  /* RULES.md, CACHE_STALE: a nurse must see how old this paper is. */
  if (last_sync == MAR_TIME_UNSET)
    report->sign_off = g_strdup (_("NEVER SYNCED: this terminal has no data from the server; check every order"));
  else
    {
      g_autofree char *when = local_time (self, last_sync, "%Y-%m-%d %H:%M %Z");
      g_autofree char *age = duration_text (self->now - last_sync);

      report->sign_off = g_strdup_printf (self->now - last_sync > stale
                                          /* TRANSLATORS: the sync time, how long before printing */
                                          ? _("Last synced %s (%s before printing): OUT OF DATE, check orders")
                                          : _("Last synced %s (%s before printing)"),
                                          when, age);
    }
}

static void
add_figures (Printout *self,
             guint     patients,
             gint64    last_sync)
{
  g_autofree char *n_patients = g_strdup_printf ("%u", patients);
  g_autofree char *n_orders = g_strdup_printf ("%u", self->n_orders);
  g_autofree char *n_held = g_strdup_printf ("%u", self->n_held);
  g_autofree char *n_bags = g_strdup_printf ("%u", self->n_bags);
  g_autofree char *n_doses = g_strdup_printf ("%u", self->n_doses);
  g_autofree char *age = last_sync != MAR_TIME_UNSET ? duration_text (self->now - last_sync) : NULL;
  g_autofree char *synced = last_sync != MAR_TIME_UNSET ? mar_time_format_iso (last_sync, self->time_zone) : NULL;

  mar_report_add_figure (self->report, "patients", _("Patients"), n_patients, NULL);
  mar_report_add_figure (self->report, "orders", _("Active IV orders"), n_orders, NULL);
  mar_report_add_figure (self->report, "held", _("Held orders"), n_held, NULL);
  mar_report_add_figure (self->report, "bags", _("Bags hanging"), n_bags, NULL);
  mar_report_add_figure (self->report, "doses_due", _("Doses due"), n_doses, NULL);
  mar_report_add_figure (self->report, "last_synced", _("Data age"), age != NULL ? age : _("never synced"),
                        synced != NULL ? synced : "");
}

MarReport *
mar_downtime_report_build (MarVerifier  *verifier,
                           MarRecord    *record,
                           const char   *unit_id,
                           gint64        now,
                           guint         hours_ahead,
                           GError      **error)
{
  g_autoptr(GPtrArray) patients = NULL;
  g_autoptr(MarReport) report = NULL;
  g_autoptr(GError) terminal_error = NULL;
  g_autofree char *terminal = NULL;
  gint64 last_sync = MAR_TIME_UNSET;
  guint hours = hours_ahead > 0 ? hours_ahead : MAR_DOWNTIME_DEFAULT_HOURS;
  Printout self = { 0 };

  g_return_val_if_fail (MAR_IS_VERIFIER (verifier), NULL);
  g_return_val_if_fail (record == NULL || MAR_IS_RECORD (record), NULL);

  if (hours > MAR_DOWNTIME_MAX_HOURS)
    {
      g_set_error (error, MAR_DOWNTIME_ERROR, MAR_DOWNTIME_ERROR_INVALID_HOURS,
                   _("Doses can be listed at most %d hours ahead"), MAR_DOWNTIME_MAX_HOURS);
      return NULL;
    }

  self.verifier = verifier;
  self.store = mar_verifier_get_store (verifier);
  self.library = mar_verifier_get_library (verifier);
  self.time_zone = mar_verifier_get_time_zone (verifier);
  self.record = record;
  self.now = now;
  self.horizon = now + (gint64) hours * 3600;

  /* The terminal's id is made on first use; a read-only store that has
   * none yet still prints (downtime is no time to refuse paper). */
  terminal = mar_audit_dup_terminal_id (self.store, &terminal_error);
  if (terminal == NULL)
    {
      g_debug ("No terminal id for the downtime printout: %s", terminal_error->message);
      terminal = g_strdup (_("not identified"));
    }
  if (!mar_store_get_last_sync (self.store, &last_sync, error))
    return NULL;

  report = mar_report_new (MAR_REPORT_DOWNTIME, self.time_zone);
  self.report = report;
  set_header (&self, unit_id, terminal, last_sync, hours);

  patients = mar_store_list_unit_patients (self.store, unit_id, error);
  if (patients == NULL)
    return NULL;
  /* One read snapshot, so that a sync writing in between cannot print
   * half of its changes. */
  if (!mar_store_begin_read (self.store, error))
    return NULL;
  for (guint i = 0; i < patients->len; i++)
    {
      const MarPatient *patient = g_ptr_array_index (patients, i);
      g_autoptr(MarPatientSummary) summary = mar_patient_summary_read (verifier, record, patient->id, now, error);

      if (summary == NULL || !add_patient (&self, summary, error))
        {
          mar_store_rollback (self.store);
          return NULL;
        }
    }
  mar_store_rollback (self.store);

  if (patients->len == 0)
    mar_report_add_table (report, "patients", _("Patients"), _("No patients on this unit"));
  add_figures (&self, patients->len, last_sync);
  return g_steal_pointer (&report);
}
