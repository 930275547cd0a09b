/* mar-model.c — constructors and destructors of the plain cache data
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-model"

#include "config.h"

#include <string.h>

#include "mar-model.h"

MarCoding *
mar_coding_new (const char *system,
                const char *code,
                const char *display)
{
  MarCoding *coding = g_new0 (MarCoding, 1);

  coding->system = g_strdup (system);
  coding->code = g_strdup (code);
  coding->display = g_strdup (display);
  return coding;
}

MarCoding *
mar_coding_copy (const MarCoding *coding)
{
  g_return_val_if_fail (coding != NULL, NULL);
  return mar_coding_new (coding->system, coding->code, coding->display);
}

void
mar_coding_free (MarCoding *coding)
{
  if (coding == NULL)
    return;
  g_free (coding->system);
  g_free (coding->code);
  g_free (coding->display);
  g_free (coding);
}

gboolean
mar_coding_equal (const MarCoding *a,
                  const MarCoding *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  return g_strcmp0 (a->system, b->system) == 0 &&
         a->code != NULL &&
         g_strcmp0 (a->code, b->code) == 0;
}

MarIngredient *
mar_ingredient_new (void)
{
  return g_new0 (MarIngredient, 1);
}

MarIngredient *
mar_ingredient_copy (const MarIngredient *ingredient)
{
  MarIngredient *copy;

  g_return_val_if_fail (ingredient != NULL, NULL);

  copy = mar_ingredient_new ();
  copy->system = g_strdup (ingredient->system);
  copy->code = g_strdup (ingredient->code);
  copy->display = g_strdup (ingredient->display);
  copy->strength = ingredient->strength;
  return copy;
}

void
mar_ingredient_free (MarIngredient *ingredient)
{
  if (ingredient == NULL)
    return;
  g_free (ingredient->system);
  g_free (ingredient->code);
  g_free (ingredient->display);
  g_free (ingredient);
}

MarPatient *
mar_patient_new (void)
{
  MarPatient *patient = g_new0 (MarPatient, 1);

  patient->active = TRUE;
  patient->weight_time = MAR_TIME_UNSET;
  patient->identifiers = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_identifier_free);
  return patient;
}

void
mar_patient_free (MarPatient *patient)
{
  if (patient == NULL)
    return;
  g_free (patient->id);
  g_free (patient->version);
  g_free (patient->mrn);
  g_free (patient->gsrn);
  g_free (patient->family);
  g_free (patient->given);
  g_free (patient->birth_date);
  g_free (patient->gender);
  g_free (patient->encounter_id);
  g_free (patient->bed_id);
  g_free (patient->bed_name);
  g_free (patient->unit_id);
  g_free (patient->unit_name);
  g_clear_pointer (&patient->identifiers, g_ptr_array_unref);
  g_free (patient);
}

/* "FAMILY, Given": the order wristbands and MAR headers print, so the two
 * identifiers a nurse checks read the same on screen and on the band. */
char *
mar_patient_dup_display_name (const MarPatient *patient)
{
  g_return_val_if_fail (patient != NULL, NULL);

  if (patient->family != NULL && patient->given != NULL)
    {
      g_autofree char *upper = g_utf8_strup (patient->family, -1);
      return g_strdup_printf ("%s, %s", upper, patient->given);
    }
  if (patient->family != NULL)
    return g_utf8_strup (patient->family, -1);
  if (patient->given != NULL)
    return g_strdup (patient->given);
  return g_strdup (patient->id);
}

MarProduct *
mar_product_new (void)
{
  MarProduct *product = g_new0 (MarProduct, 1);

  product->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
  product->ingredients = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_ingredient_free);
  product->catalog = TRUE;
  return product;
}

void
mar_product_free (MarProduct *product)
{
  if (product == NULL)
    return;
  g_free (product->id);
  g_free (product->version);
  g_free (product->gtin);
  g_free (product->ndc);
  g_clear_pointer (&product->codes, g_ptr_array_unref);
  g_free (product->name);
  g_free (product->form_system);
  g_free (product->form_code);
  g_free (product->form_display);
  g_clear_pointer (&product->ingredients, g_ptr_array_unref);
  g_free (product);
}

MarOrder *
mar_order_new (void)
{
  MarOrder *order = g_new0 (MarOrder, 1);

  order->medication_codes = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
  order->ingredients = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_ingredient_free);
  order->events = g_array_new (FALSE, FALSE, sizeof (gint64));
  order->times_of_day = g_array_new (FALSE, FALSE, sizeof (int));
  order->authored_on = MAR_TIME_UNSET;
  order->bounds_start = MAR_TIME_UNSET;
  order->bounds_end = MAR_TIME_UNSET;
  return order;
}

void
mar_order_free (MarOrder *order)
{
  if (order == NULL)
    return;
  g_free (order->id);
  g_free (order->version);
  g_free (order->intent);
  g_free (order->priority);
  g_free (order->patient_id);
  g_free (order->encounter_id);
  g_free (order->text);
  g_free (order->medication_display);
  g_clear_pointer (&order->medication_codes, g_ptr_array_unref);
  g_free (order->medication_product_id);
  g_clear_pointer (&order->ingredients, g_ptr_array_unref);
  g_free (order->route_system);
  g_free (order->route_code);
  g_free (order->route_display);
  g_clear_pointer (&order->events, g_array_unref);
  g_clear_pointer (&order->times_of_day, g_array_unref);
  g_free (order);
}

static const char * const order_status_names[] = {
  [MAR_ORDER_STATUS_UNKNOWN] = "unknown",
  [MAR_ORDER_STATUS_ACTIVE] = "active",
  [MAR_ORDER_STATUS_ON_HOLD] = "on-hold",
  [MAR_ORDER_STATUS_CANCELLED] = "cancelled",
  [MAR_ORDER_STATUS_STOPPED] = "stopped",
  [MAR_ORDER_STATUS_COMPLETED] = "completed",
  [MAR_ORDER_STATUS_ENTERED_IN_ERROR] = "entered-in-error",
  [MAR_ORDER_STATUS_DRAFT] = "draft",
};

const char *
mar_order_status_to_string (MarOrderStatus status)
{
  if ((guint) status >= G_N_ELEMENTS (order_status_names))
    return "unknown";
  return order_status_names[status];
}

MarOrderStatus
mar_order_status_from_string (const char *status)
{
  if (status == NULL)
    return MAR_ORDER_STATUS_UNKNOWN;
  for (guint i = 1; i < G_N_ELEMENTS (order_status_names); i++)
    if (strcmp (status, order_status_names[i]) == 0)
      return (MarOrderStatus) i;
  return MAR_ORDER_STATUS_UNKNOWN;
}

/* FHIR-PROFILE.md: "A dosage with a rate and no repeat.frequency/event is a
 * continuous infusion." */
gboolean
mar_order_is_continuous (const MarOrder *order)
{
  g_return_val_if_fail (order != NULL, FALSE);

  return order->rate.set &&
         order->frequency == 0 &&
         order->events->len == 0 &&
         order->times_of_day->len == 0;
}

MarDispense *
mar_dispense_new (void)
{
  MarDispense *dispense = g_new0 (MarDispense, 1);

  dispense->when_prepared = MAR_TIME_UNSET;
  return dispense;
}

void
mar_dispense_free (MarDispense *dispense)
{
  if (dispense == NULL)
    return;
  g_free (dispense->id);
  g_free (dispense->version);
  g_free (dispense->label);
  g_free (dispense->status);
  g_free (dispense->patient_id);
  g_free (dispense->order_id);
  g_free (dispense->product_id);
  g_free (dispense->beyond_use);
  g_free (dispense->lot);
  g_free (dispense);
}

MarAllergy *
mar_allergy_new (void)
{
  MarAllergy *allergy = g_new0 (MarAllergy, 1);

  allergy->codings = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
  return allergy;
}

void
mar_allergy_free (MarAllergy *allergy)
{
  if (allergy == NULL)
    return;
  g_free (allergy->id);
  g_free (allergy->version);
  g_free (allergy->patient_id);
  g_free (allergy->clinical_status);
  g_free (allergy->verification_status);
  g_clear_pointer (&allergy->codings, g_ptr_array_unref);
  g_free (allergy->text);
  g_free (allergy->criticality);
  g_free (allergy->category);
  g_free (allergy->reactions);
  g_free (allergy);
}

MarStaff *
mar_staff_new (void)
{
  MarStaff *staff = g_new0 (MarStaff, 1);

  staff->active = TRUE;
  return staff;
}

void
mar_staff_free (MarStaff *staff)
{
  if (staff == NULL)
    return;
  g_free (staff->id);
  g_free (staff->badge);
  g_free (staff->name);
  g_free (staff->version);
  g_free (staff);
}

static const char * const role_names[] = {
  [MAR_ROLE_NONE] = "none",
  [MAR_ROLE_NURSE] = "nurse",
  [MAR_ROLE_CHARGE_NURSE] = "charge",
  [MAR_ROLE_IT] = "it",
};

const char *
mar_role_to_string (MarRole role)
{
  if ((guint) role >= G_N_ELEMENTS (role_names))
    return "none";
  return role_names[role];
}

MarRole
mar_role_from_string (const char *role)
{
  if (role == NULL)
    return MAR_ROLE_NONE;
  for (guint i = 1; i < G_N_ELEMENTS (role_names); i++)
    if (strcmp (role, role_names[i]) == 0)
      return (MarRole) i;
  return MAR_ROLE_NONE;
}

MarAdministration *
mar_administration_new (void)
{
  MarAdministration *administration = g_new0 (MarAdministration, 1);

  administration->start = MAR_TIME_UNSET;
  administration->end = MAR_TIME_UNSET;
  administration->due_time = MAR_TIME_UNSET;
  return administration;
}

void
mar_administration_free (MarAdministration *administration)
{
  if (administration == NULL)
    return;
  g_free (administration->id);
  g_free (administration->source);
  g_free (administration->patient_id);
  g_free (administration->order_id);
  g_free (administration->order_version);
  g_free (administration->status);
  g_free (administration->bag_id);
  g_free (administration->product_id);
  g_free (administration->gtin);
  g_free (administration->version);
  g_free (administration->performer_id);
  g_free (administration);
}

MarIdentifier *
mar_identifier_new (const char *system,
                    const char *value,
                    const char *type_code)
{
  MarIdentifier *identifier = g_new0 (MarIdentifier, 1);

  identifier->system = g_strdup (system);
  identifier->value = g_strdup (value);
  identifier->type_code = g_strdup (type_code);
  return identifier;
}

void
mar_identifier_free (MarIdentifier *identifier)
{
  if (identifier == NULL)
    return;
  g_free (identifier->system);
  g_free (identifier->value);
  g_free (identifier->type_code);
  g_free (identifier);
}

MarLocation *
mar_location_new (void)
{
  return g_new0 (MarLocation, 1);
}

void
mar_location_free (MarLocation *location)
{
  if (location == NULL)
    return;
  g_free (location->id);
  g_free (location->version);
  g_free (location->name);
  g_free (location->part_of_id);
  g_free (location->physical_type);
  g_free (location->status);
  g_free (location);
}

MarEncounter *
mar_encounter_new (void)
{
  MarEncounter *encounter = g_new0 (MarEncounter, 1);

  encounter->start = MAR_TIME_UNSET;
  encounter->end = MAR_TIME_UNSET;
  return encounter;
}

void
mar_encounter_free (MarEncounter *encounter)
{
  if (encounter == NULL)
    return;
  g_free (encounter->id);
  g_free (encounter->version);
  g_free (encounter->patient_id);
  g_free (encounter->status);
  g_free (encounter->location_id);
  g_free (encounter);
}

MarWeight *
mar_weight_new (void)
{
  MarWeight *weight = g_new0 (MarWeight, 1);

  weight->effective = MAR_TIME_UNSET;
  return weight;
}

void
mar_weight_free (MarWeight *weight)
{
  if (weight == NULL)
    return;
  g_free (weight->id);
  g_free (weight->version);
  g_free (weight->patient_id);
  g_free (weight->status);
  g_free (weight);
}

MarStaffRole *
mar_staff_role_new (void)
{
  MarStaffRole *role = g_new0 (MarStaffRole, 1);

  role->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
  role->active = TRUE;
  return role;
}

void
mar_staff_role_free (MarStaffRole *role)
{
  if (role == NULL)
    return;
  g_free (role->id);
  g_free (role->version);
  g_free (role->staff_id);
  g_clear_pointer (&role->codes, g_ptr_array_unref);
  g_free (role->location_id);
  g_free (role);
}

void
mar_quantity_set (MarQuantity *quantity,
                  double       value,
                  const char  *unit)
{
  g_return_if_fail (quantity != NULL);

  quantity->set = TRUE;
  quantity->value = value;
  g_strlcpy (quantity->unit, unit != NULL ? unit : "", sizeof quantity->unit);
}
