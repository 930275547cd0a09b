/* ward.c — a small ward built in C for the engine tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ward.h"
#include "mar-time.h"

Ward *
ward_new (void)
{
  Ward *ward = g_new0 (Ward, 1);
  MarAllergy *nkda;

  ward->tz = g_time_zone_new_identifier ("America/New_York");
  g_assert_nonnull (ward->tz);
  ward->library = mar_drug_library_new_default ();
  ward->now = mar_time_from_local (ward->tz, 2026, 3, 5, 8, 0, 0);

  ward->products = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_product_free);
  ward->orders = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_order_free);
  ward->order_products = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_product_free);
  ward->allergies = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_allergy_free);
  ward->administrations = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_administration_free);
  ward->bag_uses = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_administration_free);
  ward->dispenses = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_dispense_free);

  ward->patient = mar_patient_new ();
  ward->patient->id = g_strdup ("p1");
  ward->patient->mrn = g_strdup ("1001");
  ward->patient->family = g_strdup ("Testperson");
  ward->patient->given = g_strdup ("Ada");
  mar_quantity_set (&ward->patient->weight, 70, "kg");
  ward->patient->weight_time = ward->now - 2 * 86400;
  ward->patient_known = TRUE;
  ward->sync_relative = TRUE;

  ward->other_patient = mar_patient_new ();
  ward->other_patient->id = g_strdup ("p2");
  ward->other_patient->mrn = g_strdup ("1002");

  nkda = ward_add_allergy (ward, MAR_SYSTEM_SNOMED, "409137002", "No known drug allergy", NULL, NULL);
  g_free (nkda->text);
  nkda->text = g_strdup ("NKDA");

  ward->facts.time_zone = ward->tz;
  ward->facts.library = ward->library;
  ward->facts.patient_scan.kind = MAR_SCAN_KIND_WRISTBAND;
  ward->facts.patient_scan.display = "1001";
  ward->facts.product_scan.kind = MAR_SCAN_KIND_UNKNOWN;
  ward->facts.last_sync = ward->now - 60;
  ward->facts.clock_skew_known = TRUE;
  ward->facts.clock_skew = 2;
  return ward;
}

void
ward_free (Ward *ward)
{
  if (ward == NULL)
    return;
  g_clear_pointer (&ward->view_orders, g_ptr_array_unref);
  g_clear_pointer (&ward->view_order_products, g_ptr_array_unref);
  g_clear_pointer (&ward->view_allergies, g_ptr_array_unref);
  g_clear_pointer (&ward->view_administrations, g_ptr_array_unref);
  g_clear_pointer (&ward->view_bag_uses, g_ptr_array_unref);
  g_ptr_array_unref (ward->products);
  g_ptr_array_unref (ward->orders);
  g_ptr_array_unref (ward->order_products);
  g_ptr_array_unref (ward->allergies);
  g_ptr_array_unref (ward->administrations);
  g_ptr_array_unref (ward->bag_uses);
  g_ptr_array_unref (ward->dispenses);
  mar_patient_free (ward->patient);
  mar_patient_free (ward->other_patient);
  mar_drug_library_unref (ward->library);
  g_time_zone_unref (ward->tz);
  g_free (ward);
}

gint64
ward_local (Ward *ward,
            int   year,
            int   month,
            int   day,
            int   hour,
            int   minute,
            int   second)
{
  return mar_time_from_local (ward->tz, year, month, day, hour, minute, second);
}

gint64
ward_today (Ward *ward,
            int   hour,
            int   minute)
{
  return ward_local (ward, 2026, 3, 5, hour, minute, 0);
}

MarProduct *
ward_add_product (Ward       *ward,
                  const char *id,
                  const char *gtin,
                  const char *name,
                  double      volume_ml)
{
  MarProduct *product = mar_product_new ();

  product->id = g_strdup (id);
  product->gtin = g_strdup (gtin);
  product->name = g_strdup (name);
  product->form_system = g_strdup (MAR_SYSTEM_SNOMED);
  product->form_code = g_strdup ("385219001");
  product->form_display = g_strdup ("Injection solution");
  if (gtin != NULL)
    g_ptr_array_add (product->codes, mar_coding_new (MAR_SYSTEM_GTIN, gtin, name));
  if (volume_ml > 0)
    {
      mar_quantity_set (&product->amount.numerator, volume_ml, "mL");
      mar_quantity_set (&product->amount.denominator, 1, "1");
    }
  g_ptr_array_add (ward->products, product);
  return product;
}

MarIngredient *
product_add_ingredient (GPtrArray  *ingredients,
                        const char *rxcui,
                        const char *display,
                        double      num,
                        const char *num_unit,
                        double      den,
                        const char *den_unit)
{
  MarIngredient *ingredient = mar_ingredient_new ();

  ingredient->system = g_strdup (MAR_SYSTEM_RXNORM);
  ingredient->code = g_strdup (rxcui);
  ingredient->display = g_strdup (display);
  if (num > 0)
    {
      mar_quantity_set (&ingredient->strength.numerator, num, num_unit);
      if (den_unit != NULL)
        mar_quantity_set (&ingredient->strength.denominator, den, den_unit);
    }
  g_ptr_array_add (ingredients, ingredient);
  return ingredient;
}

MarOrder *
ward_add_order (Ward       *ward,
                const char *id,
                const char *rxcui,
                const char *display,
                double      dose,
                const char *dose_unit)
{
  MarOrder *order = mar_order_new ();

  order->id = g_strdup (id);
  order->version = g_strdup ("1");
  order->status = MAR_ORDER_STATUS_ACTIVE;
  order->intent = g_strdup ("order");
  order->patient_id = g_strdup ("p1");
  order->authored_on = ward_local (ward, 2026, 3, 3, 21, 0, 0);
  order->medication_display = g_strdup (display);
  if (rxcui != NULL)
    g_ptr_array_add (order->medication_codes, mar_coding_new (MAR_SYSTEM_RXNORM, rxcui, display));
  order->route_system = g_strdup (MAR_SYSTEM_SNOMED);
  order->route_code = g_strdup (SCT_IV);
  order->route_display = g_strdup ("Intravenous route");
  order->bounds_start = ward_local (ward, 2026, 3, 4, 8, 0, 0);
  order_set_interval (order, 12, "h", 1);
  if (dose_unit != NULL)
    mar_quantity_set (&order->dose, dose, dose_unit);
  g_ptr_array_add (ward->orders, order);
  return order;
}

void
order_set_interval (MarOrder   *order,
                    double      period,
                    const char *unit,
                    int         frequency)
{
  order->period = period;
  g_strlcpy (order->period_unit, unit, sizeof order->period_unit);
  order->frequency = frequency;
}

void
order_set_continuous (MarOrder   *order,
                      double      rate,
                      const char *rate_unit)
{
  order->period = 0;
  order->frequency = 0;
  order->period_unit[0] = '\0';
  mar_quantity_set (&order->rate, rate, rate_unit);
}

MarAllergy *
ward_add_allergy (Ward       *ward,
                  const char *system,
                  const char *code,
                  const char *display,
                  const char *criticality,
                  const char *category)
{
  MarAllergy *allergy = mar_allergy_new ();

  allergy->id = g_strdup_printf ("a%u", ward->allergies->len + 1);
  allergy->patient_id = g_strdup ("p1");
  allergy->clinical_status = g_strdup ("active");
  allergy->verification_status = g_strdup ("confirmed");
  if (code != NULL)
    g_ptr_array_add (allergy->codings, mar_coding_new (system, code, display));
  allergy->text = g_strdup (display);
  allergy->criticality = g_strdup (criticality);
  allergy->category = g_strdup (category);
  g_ptr_array_add (ward->allergies, allergy);
  return allergy;
}

void
ward_clear_allergies (Ward *ward)
{
  g_ptr_array_set_size (ward->allergies, 0);
}

MarAdministration *
ward_add_administration (Ward       *ward,
                         const char *order_id,
                         const char *status,
                         gint64      start,
                         gint64      due_time)
{
  MarAdministration *a = mar_administration_new ();

  a->id = g_strdup_printf ("ma%u", ward->administrations->len + 1);
  a->source = g_strdup ("local");
  a->patient_id = g_strdup ("p1");
  a->order_id = g_strdup (order_id);
  a->order_version = g_strdup ("1");
  a->status = g_strdup (status);
  a->start = start;
  a->due_time = due_time;
  g_ptr_array_add (ward->administrations, a);
  return a;
}

void
ward_scan_product (Ward       *ward,
                   MarProduct *product,
                   const char *serial)
{
  ward->facts.product_scan.kind = MAR_SCAN_KIND_PRODUCT;
  ward->facts.product_scan.gtin = product->gtin;
  ward->facts.product_scan.serial = serial;
  ward->facts.product_scan.display = product->gtin;
  ward->facts.product = product;
  ward->facts.dispense = NULL;
}

MarDispense *
ward_scan_label (Ward       *ward,
                 const char *label,
                 MarProduct *product,
                 const char *order_id,
                 const char *patient_id)
{
  MarDispense *dispense = mar_dispense_new ();

  dispense->id = g_strdup_printf ("md-%s", label);
  dispense->label = g_strdup (label);
  dispense->status = g_strdup ("completed");
  dispense->patient_id = g_strdup (patient_id);
  dispense->order_id = g_strdup (order_id);
  dispense->product_id = g_strdup (product->id);
  product->catalog = FALSE;
  g_ptr_array_add (ward->dispenses, dispense);

  ward->facts.product_scan.kind = MAR_SCAN_KIND_BAG_LABEL;
  ward->facts.product_scan.gtin = NULL;
  ward->facts.product_scan.serial = NULL;
  ward->facts.product_scan.display = dispense->label;
  ward->facts.product = product;
  ward->facts.dispense = dispense;
  return dispense;
}

static GPtrArray *
view (GPtrArray *owned,
      GPtrArray **slot)
{
  g_clear_pointer (slot, g_ptr_array_unref);
  *slot = g_ptr_array_new ();
  for (guint i = 0; i < owned->len; i++)
    g_ptr_array_add (*slot, g_ptr_array_index (owned, i));
  return *slot;
}

MarVerdict *
ward_verify (Ward *ward)
{
  MarVerdict *verdict;

  ward->facts.now = ward->now;
  if (ward->sync_relative)
    ward->facts.last_sync = ward->now - 60;
  ward->facts.patient = ward->patient_known ? ward->patient : NULL;
  ward->facts.orders = view (ward->orders, &ward->view_orders);
  ward->facts.order_products = view (ward->order_products, &ward->view_order_products);
  ward->facts.allergies = view (ward->allergies, &ward->view_allergies);
  ward->facts.administrations = view (ward->administrations, &ward->view_administrations);
  ward->facts.bag_uses = view (ward->bag_uses, &ward->view_bag_uses);
  verdict = mar_verify (&ward->facts);
  if (g_test_verbose ())
    dump_verdict (verdict);
  return verdict;
}

static void
append_quantity (GString           *s,
                 const MarQuantity *q)
{
  g_string_append_printf (s, "[%d %.17g %s]", q->set, q->value, q->unit);
}

static void
append_codings (GString   *s,
                GPtrArray *codings)
{
  for (guint i = 0; codings != NULL && i < codings->len; i++)
    {
      const MarCoding *c = g_ptr_array_index (codings, i);
      g_string_append_printf (s, "{%s|%s|%s}", c->system, c->code, c->display);
    }
}

static void
append_ingredients (GString   *s,
                    GPtrArray *ingredients)
{
  for (guint i = 0; ingredients != NULL && i < ingredients->len; i++)
    {
      const MarIngredient *ing = g_ptr_array_index (ingredients, i);

      g_string_append_printf (s, "<%s|%s|%s", ing->system, ing->code, ing->display);
      append_quantity (s, &ing->strength.numerator);
      append_quantity (s, &ing->strength.denominator);
      g_string_append_c (s, '>');
    }
}

static void
append_product (GString          *s,
                const MarProduct *p)
{
  g_string_append_printf (s, "P %s %s %s %s %d %d ", p->id, p->gtin, p->ndc, p->name, p->catalog, p->removed);
  append_codings (s, p->codes);
  append_ingredients (s, p->ingredients);
  append_quantity (s, &p->amount.numerator);
  append_quantity (s, &p->amount.denominator);
  g_string_append_printf (s, " %s %s\n", p->form_system, p->form_code);
}

static void
append_administration (GString                 *s,
                       const MarAdministration *a)
{
  g_string_append_printf (s, "A %s %s %s %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s %d %d ",
                          a->id, a->patient_id, a->order_id, a->status, a->start, a->end, a->due_time,
                          a->bag_id, a->partial, a->removed);
  append_quantity (s, &a->dose);
  g_string_append_c (s, '\n');
}

char *
ward_fingerprint (Ward *ward)
{
  GString *s = g_string_new (NULL);
  const MarPatient *p = ward->patient;

  g_string_append_printf (s, "patient %s %d %d %d %d %" G_GINT64_FORMAT, p->id, p->active, p->removed,
                          p->data_incomplete, p->data_rejected, p->weight_time);
  append_quantity (s, &p->weight);
  g_string_append_c (s, '\n');
  for (guint i = 0; i < ward->products->len; i++)
    append_product (s, g_ptr_array_index (ward->products, i));
  for (guint i = 0; i < ward->order_products->len; i++)
    append_product (s, g_ptr_array_index (ward->order_products, i));
  for (guint i = 0; i < ward->orders->len; i++)
    {
      const MarOrder *o = g_ptr_array_index (ward->orders, i);

      g_string_append_printf (s, "O %s %d %s %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                              " %d %g %s %d %u %u %d %s %s ",
                              o->id, o->status, o->intent, o->priority, o->authored_on, o->bounds_start,
                              o->bounds_end, o->frequency, o->period, o->period_unit, o->count,
                              o->events->len, o->times_of_day->len, o->as_needed, o->route_system, o->route_code);
      append_codings (s, o->medication_codes);
      append_ingredients (s, o->ingredients);
      append_quantity (s, &o->dose);
      append_quantity (s, &o->dose_high);
      append_quantity (s, &o->rate);
      append_quantity (s, &o->rate_high);
      append_quantity (s, &o->max_dose_per_period.numerator);
      append_quantity (s, &o->max_dose_per_period.denominator);
      g_string_append_c (s, '\n');
    }
  for (guint i = 0; i < ward->allergies->len; i++)
    {
      const MarAllergy *a = g_ptr_array_index (ward->allergies, i);

      g_string_append_printf (s, "L %s %s %s %s %s %d ", a->id, a->clinical_status, a->verification_status,
                              a->criticality, a->category, a->removed);
      append_codings (s, a->codings);
      g_string_append_c (s, '\n');
    }
  for (guint i = 0; i < ward->administrations->len; i++)
    append_administration (s, g_ptr_array_index (ward->administrations, i));
  for (guint i = 0; i < ward->bag_uses->len; i++)
    append_administration (s, g_ptr_array_index (ward->bag_uses, i));
  for (guint i = 0; i < ward->dispenses->len; i++)
    {
      const MarDispense *d = g_ptr_array_index (ward->dispenses, i);
      g_string_append_printf (s, "D %s %s %s %s %s %s\n", d->id, d->label, d->status, d->patient_id,
                              d->order_id, d->beyond_use);
    }
  g_string_append_printf (s, "facts %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %d %" G_GINT64_FORMAT " %d %d\n",
                          ward->facts.now, ward->facts.last_sync, ward->facts.clock_skew_known,
                          ward->facts.clock_skew, ward->facts.patient_scan.kind, ward->facts.product_scan.kind);
  return g_string_free (s, FALSE);
}

static const MarFinding *
find (MarVerdict *verdict,
      const char *code)
{
  GPtrArray *findings = mar_verdict_get_findings (verdict);

  for (guint i = 0; i < findings->len; i++)
    if (g_str_equal (mar_finding_get_code (g_ptr_array_index (findings, i)), code))
      return g_ptr_array_index (findings, i);
  return NULL;
}

void
dump_verdict (MarVerdict *verdict)
{
  GPtrArray *findings = mar_verdict_get_findings (verdict);

  g_test_message ("verdict %s, order %s", mar_verdict_kind_to_string (mar_verdict_get_kind (verdict)),
                  mar_verdict_get_order_id (verdict));
  for (guint i = 0; i < findings->len; i++)
    {
      const MarFinding *f = g_ptr_array_index (findings, i);
      g_test_message ("  %s %s %s: %s", mar_severity_to_string (mar_finding_get_severity (f)),
                      mar_right_to_string (mar_finding_get_right (f)), mar_finding_get_code (f),
                      mar_finding_get_message (f));
    }
}

void
assert_finding (MarVerdict *verdict,
                const char *code,
                MarSeverity severity)
{
  const MarFinding *f = find (verdict, code);

  if (f == NULL)
    {
      dump_verdict (verdict);
      g_error ("expected finding %s", code);
    }
  if (mar_finding_get_severity (f) != severity)
    {
      dump_verdict (verdict);
      g_error ("finding %s has severity %s, expected %s", code,
               mar_severity_to_string (mar_finding_get_severity (f)), mar_severity_to_string (severity));
    }
}

void
assert_no_finding (MarVerdict *verdict,
                   const char *code)
{
  if (find (verdict, code) != NULL)
    {
      dump_verdict (verdict);
      g_error ("unexpected finding %s: %s", code, mar_finding_get_message (find (verdict, code)));
    }
}

const char *
finding_message (MarVerdict *verdict,
                 const char *code)
{
  const MarFinding *f = find (verdict, code);

  if (f == NULL)
    {
      dump_verdict (verdict);
      g_error ("expected finding %s", code);
    }
  return mar_finding_get_message (f);
}
