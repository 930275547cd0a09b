/* mar-record-fhir.c — the FHIR resources a bag's record stands for
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FHIR-PROFILE.md, Written (push). Everything is built from the record's
 * projection and entries, so the same record always gives the same JSON
 * and a change shows as a changed resource (queued as an update of the
 * same UUID).
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "mar-fhir.h"
#include "mar-record-private.h"
#include "mar-staff-auth.h"
#include "mar-time.h"
#include "mar-vocabulary.h"

#define SYSTEM_URN_UUID       "urn:ietf:rfc:3986"
#define SYSTEM_PERFORM_FUNCTION "http://terminology.hl7.org/CodeSystem/med-admin-perform-function"
#define SYSTEM_AE_SEVERITY    "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
#define SYSTEM_AE_SERIOUSNESS "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
#define SYSTEM_AE_OUTCOME     "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
#define SYSTEM_OBS_CATEGORY   "http://terminology.hl7.org/CodeSystem/observation-category"
#define SNOMED_IV_ROUTE       "47625008"

void
mar_record_entry_free (MarRecordEntry *entry)
{
  if (entry == NULL)
    return;
  mar_audit_entry_free (entry->entry);
  g_clear_pointer (&entry->payload, json_node_unref);
  g_free (entry);
}

void
mar_record_resource_free (MarRecordResource *resource)
{
  if (resource == NULL)
    return;
  g_free (resource->uuid);
  g_free (resource->resource_type);
  g_free (resource->depends_on);
  g_clear_pointer (&resource->json, json_node_unref);
  g_free (resource);
}

/* Payload accessors --------------------------------------------------------- */

static JsonNode *
member (JsonObject *payload,
        const char *name)
{
  JsonNode *node;

  if (payload == NULL)
    return NULL;
  node = json_object_get_member (payload, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

const char *
mar_payload_get_string (JsonObject *payload,
                        const char *name)
{
  JsonNode *node = member (payload, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

double
mar_payload_get_double (JsonObject *payload,
                        const char *name)
{
  JsonNode *node = member (payload, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return 0;
}

gint64
mar_payload_get_int (JsonObject *payload,
                     const char *name)
{
  JsonNode *node = member (payload, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

gboolean
mar_payload_get_bool (JsonObject *payload,
                      const char *name)
{
  JsonNode *node = member (payload, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
}

JsonObject *
mar_payload_get_object (JsonObject *payload,
                        const char *name)
{
  JsonNode *node = member (payload, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
mar_payload_get_array (JsonObject *payload,
                       const char *name)
{
  JsonNode *node = member (payload, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
payload_object (const MarRecordEntry *entry)
{
  return entry->payload != NULL && JSON_NODE_HOLDS_OBJECT (entry->payload)
         ? json_node_get_object (entry->payload) : NULL;
}

/* Small builders ------------------------------------------------------------- */

static JsonNode *
node_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static void
set_string (JsonObject *object,
            const char *name,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
}

static void
set_time (JsonObject *object,
          const char *name,
          gint64      t)
{
  g_autofree char *text = NULL;

  if (t == MAR_TIME_UNSET)
    return;
  text = mar_time_format_utc (t);
  json_object_set_string_member (object, name, text);
}

static JsonObject *
coding (const char *system,
        const char *code,
        const char *display)
{
  JsonObject *object = json_object_new ();

  set_string (object, "system", system);
  set_string (object, "code", code);
  set_string (object, "display", display);
  return object;
}

/* A CodeableConcept with one coding and its text. */
static JsonNode *
concept (const char *system,
         const char *code,
         const char *display)
{
  JsonObject *object = json_object_new ();
  JsonArray *codings = json_array_new ();

  json_array_add_object_element (codings, coding (system, code, display));
  json_object_set_array_member (object, "coding", codings);
  set_string (object, "text", display);
  return node_take_object (object);
}

/* A term of our fixed lists as a CodeableConcept: our code always, the
 * SNOMED CT concept where there is one. */
static JsonNode *
term_concept (MarVocabulary  vocabulary,
              const char    *code)
{
  const MarTerm *term = mar_vocabulary_lookup (vocabulary, code);
  g_autofree char *system = g_strconcat ("urn:bedside-mar:", mar_vocabulary_to_string (vocabulary), NULL);
  JsonObject *object = json_object_new ();
  JsonArray *codings = json_array_new ();
  const char *label = term != NULL ? term->label : code;

  json_array_add_object_element (codings, coding (system, code, label));
  if (term != NULL && term->snomed != NULL)
    json_array_add_object_element (codings, coding (MAR_SYSTEM_SNOMED, term->snomed, label));
  json_object_set_array_member (object, "coding", codings);
  set_string (object, "text", label);
  return node_take_object (object);
}

static JsonNode *
reference (const char *type,
           const char *id,
           const char *version)
{
  JsonObject *object = json_object_new ();
  g_autofree char *text = version != NULL ? g_strdup_printf ("%s/%s/_history/%s", type, id, version)
                                          : g_strdup_printf ("%s/%s", type, id);

  json_object_set_string_member (object, "reference", text);
  return node_take_object (object);
}

JsonNode *
mar_record_identifier_reference (const char *resource_type,
                                 const char *uuid)
{
  JsonObject *object = json_object_new ();
  JsonObject *identifier = json_object_new ();
  g_autofree char *value = g_strconcat ("urn:uuid:", uuid, NULL);

  json_object_set_string_member (object, "type", resource_type);
  json_object_set_string_member (identifier, "system", SYSTEM_URN_UUID);
  json_object_set_string_member (identifier, "value", value);
  json_object_set_object_member (object, "identifier", identifier);
  return node_take_object (object);
}

static JsonObject *
uuid_identifier (const char *uuid)
{
  JsonObject *identifier = json_object_new ();
  g_autofree char *value = g_strconcat ("urn:uuid:", uuid, NULL);

  json_object_set_string_member (identifier, "system", SYSTEM_URN_UUID);
  json_object_set_string_member (identifier, "value", value);
  return identifier;
}

static JsonObject *
quantity (double      value,
          const char *unit)
{
  JsonObject *object = json_object_new ();

  /* A tenth of a millilitre is what a pump shows. */
  json_object_set_double_member (object, "value", round (value * 10) / 10);
  json_object_set_string_member (object, "unit", unit);
  json_object_set_string_member (object, "system", MAR_SYSTEM_UCUM);
  json_object_set_string_member (object, "code", unit);
  return object;
}

static JsonNode *
staff_reference (MarStore    *store,
                 const char  *staff_id,
                 GError     **error)
{
  return mar_staff_dup_fhir_reference (store, staff_id, error);
}

static JsonObject *
performer (const char *function,
           JsonNode   *actor)
{
  JsonObject *object = json_object_new ();
  JsonObject *function_concept = json_object_new ();
  JsonArray *codings = json_array_new ();

  json_array_add_object_element (codings, coding (SYSTEM_PERFORM_FUNCTION, function,
                                                  g_str_equal (function, "verifier") ? "Verifier" : "Performer"));
  json_object_set_array_member (function_concept, "coding", codings);
  json_object_set_object_member (object, "function", function_concept);
  json_object_set_member (object, "actor", actor);
  return object;
}

static gboolean
add_performers (JsonObject  *resource,
                MarStore    *store,
                const char  *performer_id,
                const char  *witness_id,
                GError     **error)
{
  JsonArray *performers = json_array_new ();
  JsonNode *actor;

  actor = staff_reference (store, performer_id, error);
  if (actor == NULL)
    {
      json_array_unref (performers);
      return FALSE;
    }
  json_array_add_object_element (performers, performer ("performer", actor));
  if (witness_id != NULL)
    {
      /* FHIR-PROFILE.md: the witness is the verifier. */
      actor = staff_reference (store, witness_id, error);
      if (actor == NULL)
        {
          json_array_unref (performers);
          return FALSE;
        }
      json_array_add_object_element (performers, performer ("verifier", actor));
    }
  json_object_set_array_member (resource, "performer", performers);
  return TRUE;
}

static void
add_note (JsonArray  *notes,
          const char *text)
{
  JsonObject *note;

  if (text == NULL || *text == '\0')
    return;
  note = json_object_new ();
  json_object_set_string_member (note, "text", text);
  json_array_add_object_element (notes, note);
}

/* "Override TIME_LATE: Patient was off the unit — back from CT at 09:40". */
static void
add_override_notes (JsonArray  *notes,
                    JsonObject *payload)
{
  JsonArray *overrides = mar_payload_get_array (payload, "overrides");

  for (guint i = 0; overrides != NULL && i < json_array_get_length (overrides); i++)
    {
      JsonObject *o = json_array_get_object_element (overrides, i);
      const char *code = mar_payload_get_string (o, "code");
      const char *reason = mar_payload_get_string (o, "reason");
      const char *comment = mar_payload_get_string (o, "comment");
      const MarTerm *term = mar_vocabulary_lookup_override (code, reason);
      g_autofree char *text = g_strdup_printf ("Override %s: %s%s%s", code,
                                               term != NULL ? term->label : reason,
                                               comment != NULL ? " — " : "",
                                               comment != NULL ? comment : "");

      add_note (notes, text);
    }
}

static void
set_notes (JsonObject *resource,
           JsonArray  *notes)
{
  if (json_array_get_length (notes) > 0)
    json_object_set_array_member (resource, "note", json_array_ref (notes));
}

/* The bag as the MedicationAdministration's medication: a contained
 * Medication with what was scanned (GTIN, lot, expiry) for a bag, the
 * order's medication for a dose documented without one. */
static void
set_medication (JsonObject        *resource,
                const MarInfusion *infusion,
                JsonObject        *bag)
{
  JsonArray *codes = mar_payload_get_array (bag, "medication_codes");
  JsonArray *codings = json_array_new ();
  JsonObject *code = json_object_new ();

  if (infusion->gtin != NULL)
    json_array_add_object_element (codings, coding (MAR_SYSTEM_GTIN, infusion->gtin, NULL));
  for (guint i = 0; codes != NULL && i < json_array_get_length (codes); i++)
    {
      JsonObject *c = json_array_get_object_element (codes, i);

      if (g_strcmp0 (mar_payload_get_string (c, "system"), MAR_SYSTEM_GTIN) == 0)
        continue;
      json_array_add_object_element (codings, coding (mar_payload_get_string (c, "system"),
                                                      mar_payload_get_string (c, "code"),
                                                      mar_payload_get_string (c, "display")));
    }
  json_object_set_array_member (code, "coding", codings);
  set_string (code, "text", infusion->medication);

  if (infusion->product_id == NULL && infusion->bag_id == NULL && infusion->gtin == NULL)
    {
      json_object_set_object_member (resource, "medicationCodeableConcept", code);
      return;
    }

  {
    JsonObject *medication = json_object_new ();
    JsonArray *contained = json_array_new ();
    JsonObject *medication_reference = json_object_new ();

    json_object_set_string_member (medication, "resourceType", "Medication");
    json_object_set_string_member (medication, "id", "bag");
    json_object_set_object_member (medication, "code", code);
    if (infusion->lot != NULL || infusion->expiry != NULL)
      {
        JsonObject *batch = json_object_new ();

        set_string (batch, "lotNumber", infusion->lot);
        set_string (batch, "expirationDate", infusion->expiry);
        json_object_set_object_member (medication, "batch", batch);
      }
    json_array_add_object_element (contained, medication);
    json_object_set_array_member (resource, "contained", contained);
    json_object_set_string_member (medication_reference, "reference", "#bag");
    json_object_set_object_member (resource, "medicationReference", medication_reference);
  }
}

static JsonObject *
administration_skeleton (const char        *uuid,
                         const MarInfusion *infusion,
                         const char        *terminal_id)
{
  JsonObject *resource = json_object_new ();
  JsonObject *meta = json_object_new ();
  JsonArray *identifiers = json_array_new ();
  g_autofree char *source = g_strconcat ("urn:bedside-mar:terminal:", terminal_id, NULL);

  json_object_set_string_member (resource, "resourceType", "MedicationAdministration");
  json_object_set_string_member (meta, "source", source);
  json_object_set_object_member (resource, "meta", meta);
  json_array_add_object_element (identifiers, uuid_identifier (uuid));
  if (infusion->bag_id != NULL)
    {
      JsonObject *bag = json_object_new ();

      json_object_set_string_member (bag, "system", MAR_SYSTEM_BAG);
      json_object_set_string_member (bag, "value", infusion->bag_id);
      json_array_add_object_element (identifiers, bag);
    }
  json_object_set_array_member (resource, "identifier", identifiers);
  return resource;
}

static void
set_context (JsonObject        *resource,
             const MarInfusion *infusion)
{
  json_object_set_member (resource, "subject", reference ("Patient", infusion->patient_id, NULL));
  if (infusion->encounter_id != NULL)
    json_object_set_member (resource, "context", reference ("Encounter", infusion->encounter_id, NULL));
}

static void
set_request (JsonObject        *resource,
             const MarInfusion *infusion)
{
  if (infusion->order_id != NULL)
    json_object_set_member (resource, "request",
                            reference ("MedicationRequest", infusion->order_id, infusion->order_version));
  if (infusion->dispense_id != NULL)
    {
      JsonArray *supporting = json_array_new ();

      json_array_add_element (supporting, reference ("MedicationDispense", infusion->dispense_id, NULL));
      json_object_set_array_member (resource, "supportingInformation", supporting);
    }
}

static JsonObject *
dosage (const MarInfusion *infusion,
        gboolean           with_site,
        gboolean           have_dose,
        double             dose_ml,
        gboolean           have_rate,
        double             rate_ml_per_h)
{
  JsonObject *object = json_object_new ();

  if (with_site && infusion->site != NULL)
    {
      JsonObject *site = json_object_new ();

      json_object_set_string_member (site, "text", infusion->site);
      json_object_set_object_member (object, "site", site);
    }
  json_object_set_member (object, "route", concept (MAR_SYSTEM_SNOMED, SNOMED_IV_ROUTE, "Intravenous route"));
  if (have_dose)
    json_object_set_object_member (object, "dose", quantity (dose_ml, "mL"));
  if (have_rate)
    json_object_set_object_member (object, "rateQuantity", quantity (rate_ml_per_h, "mL/h"));
  return object;
}

static JsonNode *
reason_concept (const char *list,
                MarVocabulary vocabulary,
                const char *reason,
                const char *comment)
{
  const MarTerm *term = mar_vocabulary_lookup (vocabulary, reason);
  g_autofree char *system = g_strconcat ("urn:bedside-mar:", list, NULL);
  JsonObject *object = json_object_new ();
  JsonArray *codings = json_array_new ();
  const char *label = term != NULL ? term->label : reason;

  json_array_add_object_element (codings, coding (system, reason, label));
  json_object_set_array_member (object, "coding", codings);
  if (comment != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s — %s", label, comment);
      json_object_set_string_member (object, "text", text);
    }
  else
    set_string (object, "text", label);
  return node_take_object (object);
}

static void
set_status_reason (JsonObject        *resource,
                   const MarInfusion *infusion)
{
  const char *list;
  MarVocabulary vocabulary;
  JsonArray *reasons;

  switch (infusion->state)
    {
    case MAR_INFUSION_STOPPED:
      list = "stop-reason";
      vocabulary = MAR_VOCABULARY_STOP;
      break;
    case MAR_INFUSION_HELD:
      list = "hold-reason";
      vocabulary = MAR_VOCABULARY_HOLD;
      break;
    case MAR_INFUSION_REFUSED:
      list = "refuse-reason";
      vocabulary = MAR_VOCABULARY_REFUSE;
      break;
    case MAR_INFUSION_MISSING:
      list = "missing-reason";
      vocabulary = MAR_VOCABULARY_MISSING;
      break;
    case MAR_INFUSION_NOT_GIVEN:
      list = "not-given-reason";
      vocabulary = MAR_VOCABULARY_NOT_GIVEN;
      break;
    case MAR_INFUSION_AVAILABLE:
    case MAR_INFUSION_INFUSING:
    case MAR_INFUSION_PAUSED:
    case MAR_INFUSION_COMPLETED:
    case MAR_INFUSION_ENTERED_IN_ERROR:
    case MAR_INFUSION_N_STATES:
    default:
      return;
    }
  if (infusion->state_reason == NULL)
    return;
  reasons = json_array_new ();
  json_array_add_element (reasons, reason_concept (list, vocabulary, infusion->state_reason,
                                                   infusion->state_comment));
  json_object_set_array_member (resource, "statusReason", reasons);
}

/* The bag's own record. */
static JsonNode *
bag_administration (MarStore           *store,
                    const MarInfusion  *infusion,
                    JsonObject         *creation,
                    const char         *terminal_id,
                    GError            **error)
{
  JsonObject *resource = administration_skeleton (infusion->uuid, infusion, terminal_id);
  g_autoptr(JsonArray) notes = json_array_new ();
  g_autoptr(JsonNode) node = node_take_object (resource);
  JsonObject *bag = mar_payload_get_object (creation, "description");
  gboolean closed = infusion->state == MAR_INFUSION_STOPPED || infusion->state == MAR_INFUSION_COMPLETED;
  gboolean not_done = mar_infusion_state_is_not_done (infusion->state);
  double first_rate = infusion->segments->len > 0
                      ? g_array_index (infusion->segments, MarInfusionSegment, 0).rate_ml_per_h
                      : infusion->rate_ml_per_h;

  json_object_set_string_member (resource, "status", mar_infusion_state_to_fhir (infusion->state));
  set_status_reason (resource, infusion);
  set_medication (resource, infusion, bag);
  set_context (resource, infusion);

  if (not_done)
    set_time (resource, "effectiveDateTime", infusion->last_at);
  else
    {
      JsonObject *period = json_object_new ();

      set_time (period, "start", infusion->started_at);
      if (closed)
        set_time (period, "end", infusion->ended_at);
      json_object_set_object_member (resource, "effectivePeriod", period);
    }

  if (!add_performers (resource, store, infusion->performer_id, infusion->witness_id, error))
    return NULL;
  set_request (resource, infusion);

  if (infusion->pump != NULL)
    {
      JsonArray *devices = json_array_new ();
      JsonObject *device = json_object_new ();
      JsonObject *identifier = json_object_new ();
      g_autofree char *display = infusion->channel != NULL
                                 ? g_strdup_printf ("%s, channel %s", infusion->pump, infusion->channel)
                                 : g_strdup (infusion->pump);

      json_object_set_string_member (identifier, "system", "urn:bedside-mar:pump");
      json_object_set_string_member (identifier, "value", infusion->pump);
      json_object_set_object_member (device, "identifier", identifier);
      json_object_set_string_member (device, "display", display);
      json_array_add_object_element (devices, device);
      json_object_set_array_member (resource, "device", devices);
    }

  if (!not_done)
    json_object_set_object_member (resource, "dosage",
                                   dosage (infusion, TRUE, closed,
                                           closed ? mar_infusion_get_volume_at (infusion, infusion->ended_at) : 0,
                                           TRUE, first_rate));

  add_override_notes (notes, creation);
  if (mar_payload_get_string (creation, "prn_reason") != NULL)
    {
      g_autofree char *text = g_strdup_printf ("PRN reason: %s", mar_payload_get_string (creation, "prn_reason"));
      add_note (notes, text);
    }
  if (infusion->state == MAR_INFUSION_COMPLETED || infusion->state == MAR_INFUSION_STOPPED)
    add_note (notes, infusion->state_comment);
  set_notes (resource, notes);
  return g_steal_pointer (&node);
}

/* A rate segment: from a rate change to the next one, or to the bag's end. */
static JsonNode *
segment_administration (MarStore              *store,
                        const MarInfusion     *infusion,
                        JsonObject            *creation,
                        const MarRecordEntry  *change,
                        gint64                 end,
                        const char            *terminal_id,
                        GError               **error)
{
  JsonObject *payload = payload_object (change);
  JsonObject *resource = administration_skeleton (change->entry->uuid, infusion, terminal_id);
  g_autoptr(JsonNode) node = node_take_object (resource);
  g_autoptr(JsonArray) notes = json_array_new ();
  JsonObject *period = json_object_new ();
  JsonArray *part_of = json_array_new ();
  const char *reason = mar_payload_get_string (payload, "reason");

  json_object_set_string_member (resource, "status",
                                 end != MAR_TIME_UNSET ? "completed"
                                 : mar_infusion_state_to_fhir (infusion->state));
  set_medication (resource, infusion, mar_payload_get_object (creation, "description"));
  set_context (resource, infusion);
  set_time (period, "start", change->entry->at);
  if (end != MAR_TIME_UNSET)
    set_time (period, "end", end);
  json_object_set_object_member (resource, "effectivePeriod", period);
  if (!add_performers (resource, store, change->entry->performer_id, change->entry->witness_id, error))
    return NULL;
  set_request (resource, infusion);
  json_array_add_element (part_of, mar_record_identifier_reference ("MedicationAdministration", infusion->uuid));
  json_object_set_array_member (resource, "partOf", part_of);
  json_object_set_object_member (resource, "dosage",
                                 dosage (infusion, FALSE, FALSE, 0, TRUE,
                                         mar_payload_get_double (payload, "rate_ml_h")));
  if (reason != NULL)
    {
      const MarTerm *term = mar_vocabulary_lookup (MAR_VOCABULARY_RATE_CHANGE, reason);
      g_autofree char *text = g_strdup_printf ("Rate change: %s%s%s", term != NULL ? term->label : reason,
                                               mar_payload_get_string (payload, "comment") != NULL ? " — " : "",
                                               mar_payload_get_string (payload, "comment") != NULL
                                               ? mar_payload_get_string (payload, "comment") : "");
      add_note (notes, text);
    }
  add_override_notes (notes, payload);
  set_notes (resource, notes);
  return g_steal_pointer (&node);
}

static JsonNode *
bolus_administration (MarStore              *store,
                      const MarInfusion     *infusion,
                      JsonObject            *creation,
                      const MarRecordEntry  *bolus,
                      const char            *terminal_id,
                      GError               **error)
{
  JsonObject *payload = payload_object (bolus);
  JsonObject *resource = administration_skeleton (bolus->entry->uuid, infusion, terminal_id);
  g_autoptr(JsonNode) node = node_take_object (resource);
  g_autoptr(JsonArray) notes = json_array_new ();
  JsonArray *part_of = json_array_new ();

  json_object_set_string_member (resource, "status", "completed");
  set_medication (resource, infusion, mar_payload_get_object (creation, "description"));
  set_context (resource, infusion);
  set_time (resource, "effectiveDateTime", bolus->entry->at);
  if (!add_performers (resource, store, bolus->entry->performer_id, bolus->entry->witness_id, error))
    return NULL;
  set_request (resource, infusion);
  json_array_add_element (part_of, mar_record_identifier_reference ("MedicationAdministration", infusion->uuid));
  json_object_set_array_member (resource, "partOf", part_of);
  json_object_set_object_member (resource, "dosage",
                                 dosage (infusion, FALSE, TRUE, mar_payload_get_double (payload, "volume_ml"),
                                         FALSE, 0));
  add_note (notes, "Bolus from the bag");
  add_override_notes (notes, payload);
  set_notes (resource, notes);
  return g_steal_pointer (&node);
}

static JsonNode *
adverse_event (MarStore              *store,
               const MarInfusion     *infusion,
               const MarRecordEntry  *reaction,
               GError               **error)
{
  JsonObject *payload = payload_object (reaction);
  JsonObject *resource = json_object_new ();
  g_autoptr(JsonNode) node = node_take_object (resource);
  const char *kind = mar_payload_get_string (payload, "kind");
  const char *severity = mar_payload_get_string (payload, "severity");
  const char *outcome = mar_payload_get_string (payload, "outcome");
  const char *comment = mar_payload_get_string (payload, "comment");
  JsonArray *actions = mar_payload_get_array (payload, "actions");
  gboolean site = g_strcmp0 (mar_payload_get_string (payload, "category"), "site") == 0;
  JsonArray *suspects = json_array_new ();
  JsonObject *suspect = json_object_new ();
  JsonArray *extensions = json_array_new ();
  gboolean life_threatening = g_strcmp0 (severity, "life-threatening") == 0;
  JsonNode *recorder;

  json_object_set_string_member (resource, "resourceType", "AdverseEvent");
  /* R4: AdverseEvent.identifier is a single Identifier. */
  json_object_set_object_member (resource, "identifier", uuid_identifier (reaction->entry->uuid));
  json_object_set_string_member (resource, "actuality", "actual");
  json_object_set_member (resource, "event",
                          term_concept (site ? MAR_VOCABULARY_SITE_FINDING : MAR_VOCABULARY_REACTION_KIND, kind));
  json_object_set_member (resource, "subject", reference ("Patient", infusion->patient_id, NULL));
  if (infusion->encounter_id != NULL)
    json_object_set_member (resource, "encounter", reference ("Encounter", infusion->encounter_id, NULL));
  set_time (resource, "date", reaction->entry->at);
  set_time (resource, "recordedDate", reaction->entry->recorded_at);
  /* FHIR-PROFILE.md: life-threatening = severe + serious (R4's code for a
   * serious event that is life-threatening). */
  json_object_set_member (resource, "seriousness",
                          life_threatening
                          ? concept (SYSTEM_AE_SERIOUSNESS, "SeriousIsLifeThreatening", "Is Life-threatening")
                          : concept (SYSTEM_AE_SERIOUSNESS, "Non-serious", "Non-serious"));
  json_object_set_member (resource, "severity",
                          concept (SYSTEM_AE_SEVERITY, life_threatening ? "severe" : severity,
                                   life_threatening ? "Severe"
                                   : mar_vocabulary_lookup (MAR_VOCABULARY_SEVERITY, severity)->label));
  if (outcome != NULL)
    json_object_set_member (resource, "outcome",
                            concept (SYSTEM_AE_OUTCOME, outcome,
                                     mar_vocabulary_lookup (MAR_VOCABULARY_REACTION_OUTCOME, outcome)->label));
  recorder = staff_reference (store, reaction->entry->performer_id, error);
  if (recorder == NULL)
    return NULL;
  json_object_set_member (resource, "recorder", recorder);
  json_object_set_member (suspect, "instance",
                          mar_record_identifier_reference ("MedicationAdministration", infusion->uuid));
  json_array_add_object_element (suspects, suspect);
  json_object_set_array_member (resource, "suspectEntity", suspects);

  /* R4's AdverseEvent has no element for what was done about it nor for
   * a note: extensions of ours carry them. */
  for (guint i = 0; actions != NULL && i < json_array_get_length (actions); i++)
    {
      JsonObject *extension = json_object_new ();

      json_object_set_string_member (extension, "url", "urn:bedside-mar:fhir:adverse-event-action");
      json_object_set_member (extension, "valueCodeableConcept",
                              term_concept (MAR_VOCABULARY_REACTION_ACTION,
                                            json_array_get_string_element (actions, i)));
      json_array_add_object_element (extensions, extension);
    }
  if (comment != NULL)
    {
      JsonObject *extension = json_object_new ();

      json_object_set_string_member (extension, "url", "urn:bedside-mar:fhir:comment");
      json_object_set_string_member (extension, "valueString", comment);
      json_array_add_object_element (extensions, extension);
    }
  if (json_array_get_length (extensions) > 0)
    json_object_set_array_member (resource, "extension", extensions);
  else
    json_array_unref (extensions);
  return g_steal_pointer (&node);
}

static JsonNode *
site_observation (MarStore              *store,
                  const MarInfusion     *infusion,
                  const MarRecordEntry  *check,
                  GError               **error)
{
  JsonObject *payload = payload_object (check);
  JsonObject *resource = json_object_new ();
  g_autoptr(JsonNode) node = node_take_object (resource);
  JsonArray *identifiers = json_array_new ();
  JsonArray *categories = json_array_new ();
  JsonArray *performers = json_array_new ();
  JsonArray *part_of = json_array_new ();
  JsonArray *findings = mar_payload_get_array (payload, "findings");
  const char *site = mar_payload_get_string (payload, "site");
  const char *severity = mar_payload_get_string (payload, "severity");
  g_autoptr(JsonArray) notes = json_array_new ();
  JsonNode *actor;

  json_object_set_string_member (resource, "resourceType", "Observation");
  json_array_add_object_element (identifiers, uuid_identifier (check->entry->uuid));
  json_object_set_array_member (resource, "identifier", identifiers);
  json_object_set_string_member (resource, "status", "final");
  json_array_add_element (categories, concept (SYSTEM_OBS_CATEGORY, "exam", "Exam"));
  json_object_set_array_member (resource, "category", categories);
  json_object_set_member (resource, "code", concept ("urn:bedside-mar:observation", "iv-site-check",
                                                     "IV site check"));
  json_object_set_member (resource, "subject", reference ("Patient", infusion->patient_id, NULL));
  if (infusion->encounter_id != NULL)
    json_object_set_member (resource, "encounter", reference ("Encounter", infusion->encounter_id, NULL));
  set_time (resource, "effectiveDateTime", check->entry->at);
  set_time (resource, "issued", check->entry->recorded_at);
  actor = staff_reference (store, check->entry->performer_id, error);
  if (actor == NULL)
    {
      json_array_unref (performers);
      json_array_unref (part_of);
      return NULL;
    }
  json_array_add_element (performers, actor);
  json_object_set_array_member (resource, "performer", performers);
  json_array_add_element (part_of, mar_record_identifier_reference ("MedicationAdministration", infusion->uuid));
  json_object_set_array_member (resource, "partOf", part_of);
  if (site != NULL)
    {
      JsonObject *body_site = json_object_new ();

      json_object_set_string_member (body_site, "text", site);
      json_object_set_object_member (resource, "bodySite", body_site);
    }

  if (findings == NULL || json_array_get_length (findings) == 0)
    {
      JsonObject *value = json_object_new ();

      json_object_set_string_member (value, "text", "No complication");
      json_object_set_object_member (resource, "valueCodeableConcept", value);
    }
  else
    {
      JsonArray *components = json_array_new ();

      for (guint i = 0; i < json_array_get_length (findings); i++)
        {
          JsonObject *component = json_object_new ();

          json_object_set_member (component, "code",
                                  term_concept (MAR_VOCABULARY_SITE_FINDING,
                                                json_array_get_string_element (findings, i)));
          if (severity != NULL)
            json_object_set_member (component, "valueCodeableConcept",
                                    term_concept (MAR_VOCABULARY_SEVERITY, severity));
          json_array_add_object_element (components, component);
        }
      json_object_set_array_member (resource, "component", components);
    }
  add_note (notes, mar_payload_get_string (payload, "comment"));
  set_notes (resource, notes);
  return g_steal_pointer (&node);
}

static MarRecordResource *
resource_new (const char *uuid,
              const char *type,
              const char *depends_on,
              JsonNode   *json)
{
  MarRecordResource *resource = g_new0 (MarRecordResource, 1);

  resource->uuid = g_strdup (uuid);
  resource->resource_type = g_strdup (type);
  resource->depends_on = g_strdup (depends_on);
  resource->json = json;
  return resource;
}

GPtrArray *
mar_record_build_resources (MarStore           *store,
                            const MarInfusion  *infusion,
                            GPtrArray          *entries,
                            const char         *terminal_id,
                            GError            **error)
{
  g_autoptr(GPtrArray) resources = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_record_resource_free);
  g_autoptr(GPtrArray) changes = g_ptr_array_new ();
  JsonObject *creation = NULL;
  JsonObject *started = NULL;
  JsonObject *description;
  g_autoptr(JsonObject) creation_owner = NULL;
  JsonNode *json;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);
  g_return_val_if_fail (infusion != NULL && entries != NULL, NULL);

  if (infusion->state == MAR_INFUSION_AVAILABLE || infusion->state == MAR_INFUSION_ENTERED_IN_ERROR)
    return g_steal_pointer (&resources);

  /* The overrides and PRN reason of its start come from the entry that
   * started it, else the one that created it; the bag's description
   * always from the entry that created it (a prepared bag's start does
   * not repeat it). Both travel in one object: "description" is added to
   * a copy, the entries' payloads stay as recorded. */
  for (guint i = 0; i < entries->len; i++)
    {
      const MarRecordEntry *e = g_ptr_array_index (entries, i);

      if (e->corrected)
        continue;
      if (g_str_equal (e->entry->kind, MAR_ENTRY_STARTED) ||
          (started == NULL && mar_payload_get_object (payload_object (e), "bag") != NULL))
        started = payload_object (e);
      if (g_str_equal (e->entry->kind, MAR_ENTRY_RATE_CHANGED))
        g_ptr_array_add (changes, (gpointer) e);
    }
  creation = json_object_new ();
  creation_owner = creation;
  if (started != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (started);

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (creation, l->data, json_node_copy (json_object_get_member (started, l->data)));
    }
  if (entries->len > 0 &&
      (description = mar_payload_get_object (payload_object (g_ptr_array_index (entries, 0)), "bag")) != NULL)
    json_object_set_object_member (creation, "description", json_object_ref (description));

  json = bag_administration (store, infusion, creation, terminal_id, error);
  if (json == NULL)
    return NULL;
  g_ptr_array_add (resources, resource_new (infusion->uuid, "MedicationAdministration", NULL, json));

  for (guint i = 0; i < changes->len; i++)
    {
      const MarRecordEntry *change = g_ptr_array_index (changes, i);
      gint64 end = MAR_TIME_UNSET;

      if (i + 1 < changes->len)
        end = ((const MarRecordEntry *) g_ptr_array_index (changes, i + 1))->entry->at;
      else if (infusion->state == MAR_INFUSION_STOPPED || infusion->state == MAR_INFUSION_COMPLETED)
        end = infusion->ended_at;
      json = segment_administration (store, infusion, creation, change, end, terminal_id, error);
      if (json == NULL)
        return NULL;
      g_ptr_array_add (resources, resource_new (change->entry->uuid, "MedicationAdministration",
                                                infusion->uuid, json));
    }

  for (guint i = 0; i < entries->len; i++)
    {
      const MarRecordEntry *e = g_ptr_array_index (entries, i);
      const char *type;

      if (e->corrected)
        continue;
      if (g_str_equal (e->entry->kind, MAR_ENTRY_BOLUS))
        {
          json = bolus_administration (store, infusion, creation, e, terminal_id, error);
          type = "MedicationAdministration";
        }
      else if (g_str_equal (e->entry->kind, MAR_ENTRY_REACTION))
        {
          json = adverse_event (store, infusion, e, error);
          type = "AdverseEvent";
        }
      else if (g_str_equal (e->entry->kind, MAR_ENTRY_SITE_CHECK))
        {
          json = site_observation (store, infusion, e, error);
          type = "Observation";
        }
      else
        continue;
      if (json == NULL)
        return NULL;
      g_ptr_array_add (resources, resource_new (e->entry->uuid, type, infusion->uuid, json));
    }

  return g_steal_pointer (&resources);
}

JsonNode *
mar_record_mark_entered_in_error (JsonNode *resource)
{
  JsonNode *copy = json_node_copy (resource);
  JsonObject *object = json_node_get_object (copy);
  const char *type = json_object_get_string_member_with_default (object, "resourceType", "");

  if (g_str_equal (type, "AdverseEvent"))
    {
      JsonObject *meta = json_object_has_member (object, "meta")
                         ? json_object_get_object_member (object, "meta") : NULL;
      JsonArray *tags = json_array_new ();

      if (meta == NULL)
        {
          meta = json_object_new ();
          json_object_set_object_member (object, "meta", meta);
        }
      json_array_add_object_element (tags, coding ("urn:bedside-mar:record", "entered-in-error",
                                                   "Entered in error"));
      json_object_set_array_member (meta, "tag", tags);
    }
  else
    json_object_set_string_member (object, "status", "entered-in-error");
  return copy;
}
