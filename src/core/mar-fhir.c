/* mar-fhir.c — FHIR R4 resources (JSON) → the cache's plain data
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-fhir"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-barcode.h"
#include "mar-fhir.h"
#include "mar-time.h"

G_DEFINE_QUARK (mar-fhir-error-quark, mar_fhir_error)

#define V2_0203_SYSTEM           MAR_SYSTEM_V2_0203
#define ALLERGY_CLINICAL_SYSTEM  "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
#define ALLERGY_VERIFY_SYSTEM    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
#define BODY_WEIGHT_LOINC        "29463-7"

static const char * const resource_type_names[] = {
  [MAR_FHIR_RESOURCE_UNKNOWN] = NULL,
  [MAR_FHIR_RESOURCE_PATIENT] = "Patient",
  [MAR_FHIR_RESOURCE_LOCATION] = "Location",
  [MAR_FHIR_RESOURCE_ENCOUNTER] = "Encounter",
  [MAR_FHIR_RESOURCE_OBSERVATION] = "Observation",
  [MAR_FHIR_RESOURCE_MEDICATION] = "Medication",
  [MAR_FHIR_RESOURCE_MEDICATION_REQUEST] = "MedicationRequest",
  [MAR_FHIR_RESOURCE_MEDICATION_DISPENSE] = "MedicationDispense",
  [MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE] = "AllergyIntolerance",
  [MAR_FHIR_RESOURCE_PRACTITIONER] = "Practitioner",
  [MAR_FHIR_RESOURCE_PRACTITIONER_ROLE] = "PractitionerRole",
  [MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION] = "MedicationAdministration",
};

G_STATIC_ASSERT (G_N_ELEMENTS (resource_type_names) == MAR_FHIR_N_RESOURCE_TYPES);

MarFhirResourceType
mar_fhir_resource_type_from_name (const char *name)
{
  if (name == NULL)
    return MAR_FHIR_RESOURCE_UNKNOWN;
  for (guint i = 1; i < G_N_ELEMENTS (resource_type_names); i++)
    if (strcmp (name, resource_type_names[i]) == 0)
      return (MarFhirResourceType) i;
  return MAR_FHIR_RESOURCE_UNKNOWN;
}

const char *
mar_fhir_resource_type_to_name (MarFhirResourceType type)
{
  if ((guint) type >= G_N_ELEMENTS (resource_type_names))
    return NULL;
  return resource_type_names[type];
}

static void
mar_fhir_reference_free (MarFhirReference *reference)
{
  if (reference == NULL)
    return;
  g_free (reference->id);
  g_free (reference->path);
  g_free (reference->reference);
  g_free (reference);
}

static MarFhirResource *
mar_fhir_resource_new (MarFhirResourceType type)
{
  MarFhirResource *resource = g_new0 (MarFhirResource, 1);

  resource->type = type;
  resource->last_updated = MAR_TIME_UNSET;
  resource->contained = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_product_free);
  resource->contained_json = g_ptr_array_new_with_free_func (g_free);
  resource->references = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_fhir_reference_free);
  return resource;
}

void
mar_fhir_resource_free (MarFhirResource *resource)
{
  if (resource == NULL)
    return;
  g_free (resource->id);
  g_free (resource->version);
  g_free (resource->json);
  g_free (resource->patient_id);
  mar_patient_free (resource->patient);
  mar_location_free (resource->location);
  mar_encounter_free (resource->encounter);
  mar_weight_free (resource->weight);
  mar_product_free (resource->product);
  mar_order_free (resource->order);
  mar_dispense_free (resource->dispense);
  mar_allergy_free (resource->allergy);
  mar_staff_free (resource->staff);
  mar_staff_role_free (resource->staff_role);
  mar_administration_free (resource->administration);
  g_clear_pointer (&resource->contained, g_ptr_array_unref);
  g_clear_pointer (&resource->contained_json, g_ptr_array_unref);
  g_clear_pointer (&resource->references, g_ptr_array_unref);
  g_free (resource);
}

/* ------------------------------------------------------------------ */
/* JSON text                                                           */

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

/* The shortest decimal that reads back as the same double, so a dose of
 * 0.1 is stored as "0.1" and not "0.10000000000000001". */
static void
append_json_double (GString *out,
                    double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (precision == 17 || g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_string_append (out, buffer);
}

static void
append_json_node (GString  *out,
                  JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        for (GList *l = members; l != NULL; l = l->next)
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            append_json_string (out, l->data);
            g_string_append_c (out, ':');
            append_json_node (out, json_object_get_member (object, l->data));
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_json_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          append_json_string (out, json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_json_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
mar_fhir_node_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  append_json_node (out, node);
  return g_string_free (out, FALSE);
}

/* What a value is, for a message: "five" (quoted, shortened), 12, true, a list. */
static char *
describe_node (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (_("an object"));
  if (JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup (_("a list"));
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      GString *out = g_string_new (NULL);

      if (g_utf8_strlen (text, -1) > 40)
        {
          g_autofree char *head = g_utf8_substring (text, 0, 40);
          g_autofree char *shown = g_strconcat (head, "…", NULL);
          append_json_string (out, shown);
        }
      else
        append_json_string (out, text);
      return g_string_free (out, FALSE);
    }
  return mar_fhir_node_to_string (node);
}

/* ------------------------------------------------------------------ */
/* The reader: walks one resource, keeping the field path for messages */

typedef struct
{
  const MarFhirOptions *options;
  GTimeZone            *time_zone;
  JsonObject           *root;
  const char           *type_name;
  const char           *id;
  GString              *path;
  MarFhirResource      *resource;
} Reader;

/* Appends ".member" or "[index]" to the path; returns the mark to go back to. */
static gsize
reader_enter (Reader     *r,
              const char *member)
{
  gsize mark = r->path->len;

  if (r->path->len > 0)
    g_string_append_c (r->path, '.');
  g_string_append (r->path, member);
  return mark;
}

static gsize
reader_enter_index (Reader *r,
                    guint   index)
{
  gsize mark = r->path->len;

  g_string_append_printf (r->path, "[%u]", index);
  return mark;
}

static void
reader_leave (Reader *r,
              gsize   mark)
{
  g_string_truncate (r->path, mark);
}

static gboolean G_GNUC_PRINTF (4, 5)
reader_fail (Reader      *r,
             GError     **error,
             const char  *member,
             const char  *format,
             ...)
{
  g_autofree char *problem = NULL;
  g_autofree char *where = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  if (member != NULL && r->path->len > 0)
    where = g_strconcat (r->path->str, ".", member, NULL);
  else if (member != NULL)
    where = g_strdup (member);
  else
    where = g_strdup (r->path->str);

  if (r->id != NULL)
    g_set_error (error, MAR_FHIR_ERROR, MAR_FHIR_ERROR_INVALID, "%s/%s: %s: %s",
                 r->type_name, r->id, where, problem);
  else
    g_set_error (error, MAR_FHIR_ERROR, MAR_FHIR_ERROR_INVALID, _("%s without id: %s: %s"),
                 r->type_name, where, problem);
  return FALSE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* Absent, null and "" (FHIR forbids empty strings) all read as NULL. */
static gboolean
get_string (Reader       *r,
            JsonObject   *object,
            const char   *member,
            const char  **out,
            GError      **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!node_is_string (node))
    {
      g_autofree char *shown = describe_node (node);
      return reader_fail (r, error, member, _("expected a string, got %s"), shown);
    }
  if (*json_node_get_string (node) != '\0')
    *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_number (Reader      *r,
            JsonObject  *object,
            const char  *member,
            gboolean    *present,
            double      *out,
            GError     **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!node_is_number (node))
    {
      g_autofree char *shown = describe_node (node);
      return reader_fail (r, error, member, _("expected a number, got %s"), shown);
    }
  *out = json_node_get_double (node);
  if (!isfinite (*out))
    return reader_fail (r, error, member, _("expected a finite number"));
  *present = TRUE;
  return TRUE;
}

/* A positiveInt/unsignedInt; 0 when absent. */
static gboolean
get_count (Reader      *r,
           JsonObject  *object,
           const char  *member,
           int         *out,
           GError     **error)
{
  gboolean present;
  double value;

  *out = 0;
  if (!get_number (r, object, member, &present, &value, error))
    return FALSE;
  if (!present)
    return TRUE;
  if (value < 0 || value > G_MAXINT || value != floor (value))
    {
      g_autofree char *shown = describe_node (json_object_get_member (object, member));
      return reader_fail (r, error, member, _("expected a whole number, got %s"), shown);
    }
  *out = (int) value;
  return TRUE;
}

static gboolean
get_bool (Reader      *r,
          JsonObject  *object,
          const char  *member,
          gboolean     fallback,
          gboolean    *out,
          GError     **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  *out = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *shown = describe_node (node);
      return reader_fail (r, error, member, _("expected true or false, got %s"), shown);
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_object (Reader       *r,
            JsonObject   *object,
            const char   *member,
            JsonObject  **out,
            GError      **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *shown = describe_node (node);
      return reader_fail (r, error, member, _("expected an object, got %s"), shown);
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
get_array (Reader      *r,
           JsonObject  *object,
           const char  *member,
           JsonArray  **out,
           GError     **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *shown = describe_node (node);
      return reader_fail (r, error, member, _("expected a list, got %s"), shown);
    }
  *out = json_node_get_array (node);
  return TRUE;
}

/* The object at @index of @array (NULL for null), or a failure. */
static gboolean
get_element_object (Reader      *r,
                    JsonArray   *array,
                    guint        index,
                    JsonObject **out,
                    GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  *out = NULL;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *shown = describe_node (node);
      return reader_fail (r, error, NULL, _("expected an object, got %s"), shown);
    }
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
check_code (Reader             *r,
            const char         *member,
            const char         *code,
            const char * const *allowed,
            GError            **error)
{
  g_autoptr(GString) list = NULL;

  if (code == NULL || g_strv_contains (allowed, code))
    return TRUE;

  list = g_string_new (NULL);
  for (guint i = 0; allowed[i] != NULL; i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", allowed[i]);
  return reader_fail (r, error, member, _("\"%s\" is not one of %s"), code, list->str);
}

/* A code member restricted to @allowed; @required fails when absent. */
static gboolean
get_code (Reader             *r,
          JsonObject         *object,
          const char         *member,
          const char * const *allowed,
          gboolean            required,
          const char        **out,
          GError            **error)
{
  if (!get_string (r, object, member, out, error))
    return FALSE;
  if (*out == NULL && required)
    return reader_fail (r, error, member, _("missing"));
  return check_code (r, member, *out, allowed, error);
}

static gboolean
parse_time (Reader      *r,
            const char  *member,
            const char  *text,
            gint64      *out,
            GError     **error)
{
  if (!mar_time_parse_fhir (text, r->time_zone, out, NULL, NULL))
    {
      g_autoptr(GString) shown = g_string_new (NULL);

      append_json_string (shown, text);
      return reader_fail (r, error, member, _("expected a FHIR date or dateTime, got %s"), shown->str);
    }
  return TRUE;
}

/* A date or dateTime; MAR_TIME_UNSET when absent. */
static gboolean
get_time (Reader      *r,
          JsonObject  *object,
          const char  *member,
          gint64      *out,
          GError     **error)
{
  const char *text;

  *out = MAR_TIME_UNSET;
  if (!get_string (r, object, member, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  return parse_time (r, member, text, out, error);
}

static gboolean
get_period (Reader      *r,
            JsonObject  *object,
            const char  *member,
            gint64      *start,
            gint64      *end,
            GError     **error)
{
  JsonObject *period;
  gsize mark;
  gboolean ok;

  *start = *end = MAR_TIME_UNSET;
  if (!get_object (r, object, member, &period, error))
    return FALSE;
  if (period == NULL)
    return TRUE;
  mark = reader_enter (r, member);
  ok = get_time (r, period, "start", start, error) && get_time (r, period, "end", end, error);
  reader_leave (r, mark);
  return ok;
}

/* ------------------------------------------------------------------ */
/* Data types                                                          */

static gboolean
read_coding (Reader      *r,
             JsonObject  *object,
             MarCoding  **out,
             GError     **error)
{
  const char *system, *code, *display;

  *out = NULL;
  if (!get_string (r, object, "system", &system, error) ||
      !get_string (r, object, "code", &code, error) ||
      !get_string (r, object, "display", &display, error))
    return FALSE;
  *out = mar_coding_new (system, code, display);
  return TRUE;
}

/* A CodeableConcept at the current path: coding[] into @codings
 * (nullable: validate only) and its text. */
static gboolean
read_concept_object (Reader       *r,
                     JsonObject   *concept,
                     GPtrArray    *codings,
                     const char  **text,
                     GError      **error)
{
  JsonArray *array;
  gboolean ok = TRUE;

  if (text != NULL && !get_string (r, concept, "text", text, error))
    return FALSE;
  if (!get_array (r, concept, "coding", &array, error))
    return FALSE;
  if (array != NULL)
    {
      gsize coding_mark = reader_enter (r, "coding");

      for (guint i = 0; ok && i < json_array_get_length (array); i++)
        {
          gsize index_mark = reader_enter_index (r, i);
          JsonObject *element;
          MarCoding *coding = NULL;

          ok = get_element_object (r, array, i, &element, error) &&
               (element == NULL || read_coding (r, element, &coding, error));
          if (coding != NULL && codings != NULL)
            g_ptr_array_add (codings, coding);
          else
            mar_coding_free (coding);
          reader_leave (r, index_mark);
        }
      reader_leave (r, coding_mark);
    }
  return ok;
}

/* A CodeableConcept member; a missing one reads as no codings. */
static gboolean
get_concept (Reader       *r,
             JsonObject   *object,
             const char   *member,
             GPtrArray    *codings,
             const char  **text,
             GError      **error)
{
  JsonObject *concept;
  gsize mark;
  gboolean ok;

  if (text != NULL)
    *text = NULL;
  if (!get_object (r, object, member, &concept, error))
    return FALSE;
  if (concept == NULL)
    return TRUE;

  mark = reader_enter (r, member);
  ok = read_concept_object (r, concept, codings, text, error);
  reader_leave (r, mark);
  return ok;
}

/* A list of CodeableConcepts: every coding of every element. @text
 * (nullable) receives each element's text or first display, joined by
 * ", " without repeats. */
static gboolean
get_concept_list (Reader      *r,
                  JsonObject  *object,
                  const char  *member,
                  GPtrArray   *codings,
                  GString     *text,
                  GError     **error)
{
  JsonArray *array;
  gsize mark;
  gboolean ok = TRUE;

  if (!get_array (r, object, member, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  mark = reader_enter (r, member);
  for (guint i = 0; ok && i < json_array_get_length (array); i++)
    {
      gsize index_mark = reader_enter_index (r, i);
      g_autoptr(GPtrArray) element_codings =
        g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
      JsonObject *element;
      const char *element_text = NULL;

      ok = get_element_object (r, array, i, &element, error) &&
           (element == NULL || read_concept_object (r, element, element_codings, &element_text, error));
      if (ok && text != NULL)
        {
          const char *name = element_text;

          for (guint j = 0; name == NULL && j < element_codings->len; j++)
            name = ((MarCoding *) g_ptr_array_index (element_codings, j))->display;
          if (name != NULL && strstr (text->str, name) == NULL)
            g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", name);
        }
      if (ok && codings != NULL)
        g_ptr_array_extend_and_steal (codings, g_steal_pointer (&element_codings));
      reader_leave (r, index_mark);
    }
  reader_leave (r, mark);
  return ok;
}

/* The first code of a CodeableConcept, preferring @system. */
static const MarCoding *
pick_coding (GPtrArray  *codings,
             const char *system)
{
  for (guint i = 0; system != NULL && i < codings->len; i++)
    {
      const MarCoding *coding = g_ptr_array_index (codings, i);

      if (g_strcmp0 (coding->system, system) == 0 && coding->code != NULL)
        return coding;
    }
  for (guint i = 0; i < codings->len; i++)
    {
      const MarCoding *coding = g_ptr_array_index (codings, i);

      if (coding->code != NULL)
        return coding;
    }
  return NULL;
}

static const char *
first_display (GPtrArray *codings)
{
  for (guint i = 0; i < codings->len; i++)
    {
      const MarCoding *coding = g_ptr_array_index (codings, i);

      if (coding->display != NULL)
        return coding->display;
    }
  return NULL;
}

/* A status held in a CodeableConcept (AllergyIntolerance): the code of
 * @system, else the first code. */
static gboolean
get_concept_code (Reader             *r,
                  JsonObject         *object,
                  const char         *member,
                  const char         *system,
                  const char * const *allowed,
                  char              **out,
                  GError            **error)
{
  g_autoptr(GPtrArray) codings = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
  const MarCoding *coding;

  *out = NULL;
  if (!get_concept (r, object, member, codings, NULL, error))
    return FALSE;
  if ((coding = pick_coding (codings, system)) == NULL)
    return TRUE;
  if (!check_code (r, member, coding->code, allowed, error))
    return FALSE;
  *out = g_strdup (coding->code);
  return TRUE;
}

/* A Quantity (or SimpleQuantity, Duration, Range.low...): the UCUM code if
 * given, else the human unit, else "" (a count). No value: unset. */
static gboolean
get_quantity (Reader       *r,
              JsonObject   *object,
              const char   *member,
              MarQuantity  *out,
              GError      **error)
{
  JsonObject *quantity;
  const char *code, *unit;
  gboolean present;
  double value;
  gsize mark;
  gboolean ok;

  memset (out, 0, sizeof *out);
  if (!get_object (r, object, member, &quantity, error))
    return FALSE;
  if (quantity == NULL)
    return TRUE;

  mark = reader_enter (r, member);
  ok = get_number (r, quantity, "value", &present, &value, error) &&
       get_string (r, quantity, "code", &code, error) &&
       get_string (r, quantity, "unit", &unit, error);
  if (ok && present)
    {
      const char *chosen = code != NULL ? code : unit != NULL ? unit : "";

      if (strlen (chosen) >= MAR_UNIT_MAX)
        ok = reader_fail (r, error, code != NULL ? "code" : "unit",
                          _("a unit longer than %d characters"), MAR_UNIT_MAX - 1);
      else
        mar_quantity_set (out, value, chosen);
    }
  reader_leave (r, mark);
  return ok;
}

static gboolean
get_ratio (Reader      *r,
           JsonObject  *object,
           const char  *member,
           MarRatio    *out,
           GError     **error)
{
  JsonObject *ratio;
  gsize mark;
  gboolean ok;

  memset (out, 0, sizeof *out);
  if (!get_object (r, object, member, &ratio, error))
    return FALSE;
  if (ratio == NULL)
    return TRUE;

  mark = reader_enter (r, member);
  ok = get_quantity (r, ratio, "numerator", &out->numerator, error) &&
       get_quantity (r, ratio, "denominator", &out->denominator, error);
  if (ok && out->denominator.set && out->denominator.value == 0)
    ok = reader_fail (r, error, "denominator.value", _("a ratio cannot be over zero"));
  reader_leave (r, mark);
  return ok;
}

/* A Range as value..high. */
static gboolean
get_range (Reader       *r,
           JsonObject   *object,
           const char   *member,
           MarQuantity  *low,
           MarQuantity  *high,
           GError      **error)
{
  JsonObject *range;
  gsize mark;
  gboolean ok;

  memset (low, 0, sizeof *low);
  memset (high, 0, sizeof *high);
  if (!get_object (r, object, member, &range, error))
    return FALSE;
  if (range == NULL)
    return TRUE;
  mark = reader_enter (r, member);
  ok = get_quantity (r, range, "low", low, error) && get_quantity (r, range, "high", high, error);
  reader_leave (r, mark);
  return ok;
}

/* A rateRatio as one rate: 100 mL / 1 h → 100 "mL/h"; 1.8 mg/kg / 20 min
 * → 0.09 "mg/kg/min" (issue 3: one rate quantity with a composed unit). */
static gboolean
ratio_to_rate (Reader       *r,
               const char   *member,
               const MarRatio *ratio,
               MarQuantity  *rate,
               GError      **error)
{
  g_autofree char *unit = NULL;

  memset (rate, 0, sizeof *rate);
  if (!ratio->numerator.set)
    return TRUE;
  if (!ratio->denominator.set || ratio->denominator.unit[0] == '\0')
    return reader_fail (r, error, member, _("a rate needs a denominator with a time unit"));

  unit = g_strdup_printf ("%s/%s", ratio->numerator.unit, ratio->denominator.unit);
  if (strlen (unit) >= MAR_UNIT_MAX)
    return reader_fail (r, error, member, _("a unit longer than %d characters"), MAR_UNIT_MAX - 1);
  mar_quantity_set (rate, ratio->numerator.value / ratio->denominator.value, unit);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* References                                                          */

static gboolean
is_fhir_id (const char *id)
{
  gsize length = 0;

  if (id == NULL)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++, length++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return length >= 1 && length <= 64;
}

static gboolean
is_type_name (const char *name)
{
  if (name == NULL || !g_ascii_isupper (name[0]))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalpha (*p))
      return FALSE;
  return TRUE;
}

gboolean
mar_fhir_parse_reference (const char  *reference,
                          GHashTable  *full_urls,
                          char       **type,
                          char       **id,
                          char       **version)
{
  const char *mapped = NULL;
  const char *path = reference;
  g_auto(GStrv) segments = NULL;
  guint n;

  if (type != NULL)
    *type = NULL;
  if (id != NULL)
    *id = NULL;
  if (version != NULL)
    *version = NULL;
  if (reference == NULL || *reference == '\0' || *reference == '#' || strchr (reference, '?') != NULL)
    return FALSE;

  if (full_urls != NULL && (mapped = g_hash_table_lookup (full_urls, reference)) != NULL)
    path = mapped;
  else if (g_str_has_prefix (reference, "urn:"))
    return FALSE;  /* urn:uuid / urn:oid only resolve through the bundle */
  else
    {
      const char *scheme = strstr (reference, "://");

      if (scheme != NULL)
        {
          /* An absolute URL: its last Type/id[/_history/v] segments. */
          path = strchr (scheme + 3, '/');
          if (path == NULL)
            return FALSE;
          path++;
        }
    }

  segments = g_strsplit (path, "/", -1);
  n = g_strv_length (segments);
  if (n >= 4 && strcmp (segments[n - 2], "_history") == 0)
    {
      if (!is_fhir_id (segments[n - 1]))
        return FALSE;
      if (version != NULL)
        *version = g_strdup (segments[n - 1]);
      n -= 2;
    }
  if (n < 2 || !is_type_name (segments[n - 2]) || !is_fhir_id (segments[n - 1]))
    {
      if (version != NULL)
        g_clear_pointer (version, g_free);
      return FALSE;
    }
  if (type != NULL)
    *type = g_strdup (segments[n - 2]);
  if (id != NULL)
    *id = g_strdup (segments[n - 1]);
  return TRUE;
}

char *
mar_fhir_dup_patient_id (JsonObject *object,
                         GHashTable *full_urls)
{
  static const char * const members[] = { "subject", "patient" };
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);

  node = json_object_get_member (object, "resourceType");
  if (node != NULL && node_is_string (node) && g_strcmp0 (json_node_get_string (node), "Patient") == 0)
    {
      node = json_object_get_member (object, "id");
      return node != NULL && node_is_string (node) && is_fhir_id (json_node_get_string (node))
             ? g_strdup (json_node_get_string (node)) : NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *reference = json_object_get_member (object, members[i]);
      JsonNode *text;
      g_autofree char *type = NULL;
      char *id = NULL;

      if (reference == NULL || !JSON_NODE_HOLDS_OBJECT (reference))
        continue;
      text = json_object_get_member (json_node_get_object (reference), "reference");
      if (text == NULL || !node_is_string (text))
        continue;
      if (mar_fhir_parse_reference (json_node_get_string (text), full_urls, &type, &id, NULL) &&
          g_strcmp0 (type, "Patient") == 0)
        return id;
      g_free (id);
    }
  return NULL;
}

typedef enum
{
  REFERENCE_OPTIONAL = 0,      /* kept if readable, ignored otherwise */
  REFERENCE_REQUIRED = 1 << 0, /* the member must be there */
  REFERENCE_RESOLVE  = 1 << 1, /* must name a resource in the bundle or the cache */
} ReferenceFlags;

/* A Reference at the current path, to @expected: its id (and version). */
static gboolean
read_reference_object (Reader              *r,
                       JsonObject          *reference,
                       MarFhirResourceType  expected,
                       ReferenceFlags       flags,
                       char               **id_out,
                       char               **version_out,
                       GError             **error)
{
  const char *expected_name = mar_fhir_resource_type_to_name (expected);
  const char *text;
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;
  g_autofree char *version = NULL;

  if (!get_string (r, reference, "reference", &text, error))
    return FALSE;

  if (text == NULL)
    {
      if (flags & REFERENCE_REQUIRED)
        return reader_fail (r, error, "reference",
                            _("missing (a reference by identifier or display only cannot be "
                              "resolved)"));
      return TRUE;
    }

  if (!mar_fhir_parse_reference (text, r->options->full_urls, &type, &id, &version))
    {
      if (flags & (REFERENCE_REQUIRED | REFERENCE_RESOLVE))
        return reader_fail (r, error, "reference",
                            g_str_has_prefix (text, "urn:")
                            ? _("\"%s\" names no entry of this bundle")
                            : _("\"%s\" is not a reference this terminal can follow"),
                            text);
      return TRUE;
    }

  if (g_strcmp0 (type, expected_name) != 0)
    return reader_fail (r, error, "reference", _("expected a reference to a %s, got \"%s\""),
                        expected_name, text);

  if (flags & REFERENCE_RESOLVE)
    {
      MarFhirReference *needed = g_new0 (MarFhirReference, 1);

      needed->type = expected;
      needed->id = g_strdup (id);
      needed->path = g_strconcat (r->path->str, ".reference", NULL);
      needed->reference = g_strdup (text);
      g_ptr_array_add (r->resource->references, needed);
    }
  *id_out = g_steal_pointer (&id);
  if (version_out != NULL)
    *version_out = g_steal_pointer (&version);
  return TRUE;
}

/* A Reference member to @expected: its id (and version) or NULL. */
static gboolean
get_reference (Reader              *r,
               JsonObject          *object,
               const char          *member,
               MarFhirResourceType  expected,
               ReferenceFlags       flags,
               char               **id_out,
               char               **version_out,
               GError             **error)
{
  JsonObject *reference;
  gsize mark;
  gboolean ok;

  *id_out = NULL;
  if (version_out != NULL)
    *version_out = NULL;
  if (!get_object (r, object, member, &reference, error))
    return FALSE;
  if (reference == NULL)
    {
      if (flags & REFERENCE_REQUIRED)
        return reader_fail (r, error, member, _("missing (a reference to a %s is required)"),
                            mar_fhir_resource_type_to_name (expected));
      return TRUE;
    }

  mark = reader_enter (r, member);
  ok = read_reference_object (r, reference, expected, flags, id_out, version_out, error);
  reader_leave (r, mark);
  return ok;
}

/* The first Reference of a list member (authorizingPrescription[0],
 * location[0]). */
static gboolean
get_first_reference (Reader              *r,
                     JsonObject          *object,
                     const char          *member,
                     MarFhirResourceType  expected,
                     ReferenceFlags       flags,
                     char               **id_out,
                     GError             **error)
{
  JsonArray *array;
  JsonObject *reference = NULL;
  gsize mark;
  gboolean ok;

  *id_out = NULL;
  if (!get_array (r, object, member, &array, error))
    return FALSE;
  if (array == NULL || json_array_get_length (array) == 0)
    {
      if (flags & REFERENCE_REQUIRED)
        return reader_fail (r, error, member, _("missing (a reference to a %s is required)"),
                            mar_fhir_resource_type_to_name (expected));
      return TRUE;
    }

  mark = reader_enter (r, member);
  reader_enter_index (r, 0);
  ok = get_element_object (r, array, 0, &reference, error) &&
       (reference == NULL || read_reference_object (r, reference, expected, flags, id_out, NULL, error));
  reader_leave (r, mark);
  return ok;
}

/* ------------------------------------------------------------------ */
/* Identifiers and codes                                               */

static gboolean
gs1_check_digit_valid (const char *digits,
                       gsize       length)
{
  int sum = 0;

  /* GS1 General Specifications 7.9.1: weights 3, 1, 3... from the right,
   * the check digit excluded. */
  for (gsize i = 0; i + 1 < length; i++)
    sum += (digits[i] - '0') * (((length - 1 - i) % 2 == 1) ? 3 : 1);
  return (10 - sum % 10) % 10 == digits[length - 1] - '0';
}

static gboolean
all_digits (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* GTIN-8/12/13/14 → GTIN-14 (FHIR-PROFILE.md: zero-padded), NULL when the
 * length, a character or the check digit is wrong: the barcode parser's
 * rule, so a scan finds what the catalog stored. */
static char *
gtin_to_gtin14 (const char *gtin)
{
  return gtin != NULL ? mar_gtin_normalize (gtin, NULL) : NULL;
}

/* An NDC as the FDA publishes it: 4-4-2, 5-3-2 or 5-4-1 (10 digits), the
 * HIPAA 5-4-2 (11 digits), or those digits without hyphens. */
static gboolean
ndc_well_formed (const char *ndc)
{
  g_auto(GStrv) parts = NULL;
  gsize a, b, c;

  if (ndc == NULL)
    return FALSE;
  if (strchr (ndc, '-') == NULL)
    return all_digits (ndc) && (strlen (ndc) == 10 || strlen (ndc) == 11);

  parts = g_strsplit (ndc, "-", -1);
  if (g_strv_length (parts) != 3 || !all_digits (parts[0]) || !all_digits (parts[1]) ||
      !all_digits (parts[2]))
    return FALSE;
  a = strlen (parts[0]);
  b = strlen (parts[1]);
  c = strlen (parts[2]);
  return (a == 4 && b == 4 && c == 2) || (a == 5 && b == 3 && c == 2) ||
         (a == 5 && b == 4 && c == 1) || (a == 5 && b == 4 && c == 2);
}

/* GS1 GSRN: 18 digits with a check digit (GS1 GenSpecs 3.7.x, AI 8018). */
static gboolean
gsrn_valid (const char *gsrn)
{
  return all_digits (gsrn) && strlen (gsrn) == 18 && gs1_check_digit_valid (gsrn, 18);
}

static gboolean
has_suffix_nocase (const char *text,
                   const char *suffix)
{
  gsize length, suffix_length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  suffix_length = strlen (suffix);
  return length >= suffix_length &&
         g_ascii_strcasecmp (text + length - suffix_length, suffix) == 0;
}

/* identifier[] into (system, value, type code) triples. */
static gboolean
get_identifiers (Reader     *r,
                 JsonObject *object,
                 GPtrArray  *identifiers,
                 GError    **error)
{
  JsonArray *array;
  gsize mark;
  gboolean ok = TRUE;

  if (!get_array (r, object, "identifier", &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  mark = reader_enter (r, "identifier");
  for (guint i = 0; ok && i < json_array_get_length (array); i++)
    {
      gsize index_mark = reader_enter_index (r, i);
      g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
      JsonObject *element;
      const char *system = NULL, *value = NULL;
      const MarCoding *type;

      ok = get_element_object (r, array, i, &element, error) &&
           (element == NULL ||
            (get_string (r, element, "system", &system, error) &&
             get_string (r, element, "value", &value, error) &&
             get_concept (r, element, "type", types, NULL, error)));
      if (ok && value != NULL)
        {
          type = pick_coding (types, V2_0203_SYSTEM);
          g_ptr_array_add (identifiers,
                           mar_identifier_new (system, value,
                                               type != NULL && g_strcmp0 (type->system, V2_0203_SYSTEM) == 0
                                               ? type->code : NULL));
        }
      reader_leave (r, index_mark);
    }
  reader_leave (r, mark);
  return ok;
}

/* The identifier of @system (exact or, when @suffix, by suffix), else the
 * first one: a badge, a bag label. */
static const MarIdentifier *
pick_identifier (GPtrArray  *identifiers,
                 const char *system,
                 gboolean    suffix,
                 gboolean    fallback_to_first)
{
  for (guint i = 0; i < identifiers->len; i++)
    {
      const MarIdentifier *identifier = g_ptr_array_index (identifiers, i);

      if (suffix ? has_suffix_nocase (identifier->system, system)
                 : g_strcmp0 (identifier->system, system) == 0)
        return identifier;
    }
  if (fallback_to_first && identifiers->len > 0)
    return g_ptr_array_index (identifiers, 0);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* The demo ward's date shift                                          */

/* Dates move by whole local days; instants move by the same days on the
 * wall clock (08:00 stays 08:00 across DST), then by @extra seconds. */
typedef struct
{
  int    days;
  gint64 extra;
} Shift;

static char *
shift_text (const char  *text,
            GTimeZone   *tz,
            const Shift *shift)
{
  int days = shift->days;
  MarTimePrecision precision;
  gint64 start;
  int year, month, day, hour, minute, second;
  GDate date;

  if (!mar_time_parse_fhir (text, tz, &start, NULL, &precision))
    return NULL;  /* left as it is: the reader reports it */

  mar_time_to_local (tz, start, &year, &month, &day, &hour, &minute, &second);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  if (days >= 0)
    g_date_add_days (&date, days);
  else
    g_date_subtract_days (&date, -days);

  switch (precision)
    {
    case MAR_TIME_PRECISION_YEAR:
      return g_strdup_printf ("%04d", g_date_get_year (&date));
    case MAR_TIME_PRECISION_MONTH:
      return g_strdup_printf ("%04d-%02d", g_date_get_year (&date), g_date_get_month (&date));
    case MAR_TIME_PRECISION_DAY:
      return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                              g_date_get_day (&date));
    case MAR_TIME_PRECISION_SECOND:
    default:
      return mar_time_format_iso (mar_time_from_local (tz, g_date_get_year (&date),
                                                       g_date_get_month (&date),
                                                       g_date_get_day (&date),
                                                       hour, minute, second) + shift->extra,
                                  tz);
    }
}

/* Shifts the dates at @path ("a.b[].c", "[]" after a member walks a list). */
static void
shift_path (JsonNode    *node,
            const char  *path,
            GTimeZone   *tz,
            const Shift *shift)
{
  g_autofree char *member = NULL;
  const char *dot;
  const char *rest;
  gboolean each;
  JsonNode *child;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;

  dot = strchr (path, '.');
  member = dot != NULL ? g_strndup (path, dot - path) : g_strdup (path);
  rest = dot != NULL ? dot + 1 : NULL;
  each = g_str_has_suffix (member, "[]");
  if (each)
    member[strlen (member) - 2] = '\0';

  child = json_object_get_member (json_node_get_object (node), member);
  if (child == NULL)
    return;

  if (each && JSON_NODE_HOLDS_ARRAY (child))
    {
      JsonArray *array = json_node_get_array (child);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (rest != NULL)
            shift_path (element, rest, tz, shift);
          else if (node_is_string (element))
            {
              g_autofree char *shifted = shift_text (json_node_get_string (element), tz, shift);

              if (shifted != NULL)
                json_node_set_string (element, shifted);
            }
        }
    }
  else if (!each && rest != NULL)
    shift_path (child, rest, tz, shift);
  else if (!each && node_is_string (child))
    {
      g_autofree char *shifted = shift_text (json_node_get_string (child), tz, shift);

      if (shifted != NULL)
        json_node_set_string (child, shifted);
    }
}

/* Issue 3, shift_seconds: every clinical time, never birthDate. */
static const char * const shifted_paths[MAR_FHIR_N_RESOURCE_TYPES][8] = {
  [MAR_FHIR_RESOURCE_ENCOUNTER] = { "period.start", "period.end", "location[].period.start",
                                    "location[].period.end" },
  [MAR_FHIR_RESOURCE_OBSERVATION] = { "effectiveDateTime", "effectivePeriod.start",
                                      "effectivePeriod.end", "effectiveInstant", "issued" },
  [MAR_FHIR_RESOURCE_MEDICATION] = { "batch.expirationDate" },
  [MAR_FHIR_RESOURCE_MEDICATION_REQUEST] = { "authoredOn", "dosageInstruction[].timing.event[]",
                                             "dosageInstruction[].timing.repeat.boundsPeriod.start",
                                             "dosageInstruction[].timing.repeat.boundsPeriod.end",
                                             "dispenseRequest.validityPeriod.start",
                                             "dispenseRequest.validityPeriod.end",
                                             "contained[].batch.expirationDate" },
  [MAR_FHIR_RESOURCE_MEDICATION_DISPENSE] = { "whenPrepared", "whenHandedOver",
                                              "contained[].batch.expirationDate" },
  [MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION] = { "effectiveDateTime", "effectivePeriod.start",
                                                    "effectivePeriod.end",
                                                    "contained[].batch.expirationDate" },
};

static void
shift_resource (JsonObject          *object,
                MarFhirResourceType  type,
                GTimeZone           *tz,
                const Shift         *shift)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  shift_path (node, "meta.lastUpdated", tz, shift);
  for (guint i = 0; i < G_N_ELEMENTS (shifted_paths[type]) && shifted_paths[type][i] != NULL; i++)
    shift_path (node, shifted_paths[type][i], tz, shift);
}

/* ------------------------------------------------------------------ */
/* Resource skeleton                                                   */

static void
reader_clear (Reader *r)
{
  if (r->path != NULL)
    g_string_free (r->path, TRUE);
  g_clear_pointer (&r->time_zone, g_time_zone_unref);
  mar_fhir_resource_free (r->resource);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reader, reader_clear)

static const MarFhirOptions default_options = { 0 };

/* Checks resourceType and id, applies the shift, reads meta. */
static gboolean
reader_begin (Reader               *r,
              JsonObject           *object,
              MarFhirResourceType   type,
              const MarFhirOptions *options,
              GError              **error)
{
  const char *type_name = mar_fhir_resource_type_to_name (type);
  const char *given_type = NULL;
  const char *id = NULL;
  const char *version = NULL;
  const char *last_updated = NULL;
  JsonObject *meta;
  JsonNode *node;

  r->options = options != NULL ? options : &default_options;
  r->time_zone = r->options->time_zone != NULL ? g_time_zone_ref (r->options->time_zone)
                                               : g_time_zone_new_local ();
  r->root = object;
  r->type_name = type_name;
  r->path = g_string_new (NULL);
  r->resource = mar_fhir_resource_new (type);

  node = json_object_get_member (object, "resourceType");
  if (node != NULL && node_is_string (node))
    given_type = json_node_get_string (node);
  if (g_strcmp0 (given_type, type_name) != 0)
    return reader_fail (r, error, "resourceType", _("expected \"%s\", got %s"), type_name,
                        given_type != NULL ? given_type : "nothing");

  if (!get_string (r, object, "id", &id, error))
    return FALSE;
  if (id == NULL)
    return reader_fail (r, error, "id",
                        _("missing (every resource needs the server's id; an entry that asks "
                          "the server to assign one cannot be cached)"));
  r->id = id;
  if (!is_fhir_id (id))
    return reader_fail (r, error, "id", _("\"%s\" is not a FHIR id"), id);
  r->resource->id = g_strdup (id);

  g_return_val_if_fail (r->options->shift_seconds % 86400 == 0, FALSE);
  if (r->options->shift_seconds != 0 || r->options->shift_extra_seconds != 0)
    {
      Shift shift = { (int) (r->options->shift_seconds / 86400), r->options->shift_extra_seconds };

      shift_resource (object, type, r->time_zone, &shift);
    }

  if (!get_object (r, object, "meta", &meta, error))
    return FALSE;
  if (meta != NULL)
    {
      gsize mark = reader_enter (r, "meta");
      gboolean ok = get_string (r, meta, "versionId", &version, error) &&
                    get_string (r, meta, "lastUpdated", &last_updated, error) &&
                    (last_updated == NULL ||
                     parse_time (r, "lastUpdated", last_updated, &r->resource->last_updated, error));

      reader_leave (r, mark);
      if (!ok)
        return FALSE;
    }
  r->resource->version = g_strdup (version);

  {
    g_autoptr(JsonNode) root = json_node_init_object (json_node_alloc (), object);
    r->resource->json = mar_fhir_node_to_string (root);
  }
  return TRUE;
}

static MarFhirResource *
reader_finish (Reader *r)
{
  return g_steal_pointer (&r->resource);
}

/* ------------------------------------------------------------------ */
/* Patient                                                             */

static const char * const gender_codes[] = { "male", "female", "other", "unknown", NULL };

MarFhirResource *
mar_fhir_read_patient (JsonObject           *object,
                       const MarFhirOptions *options,
                       GError              **error)
{
  g_auto(Reader) r = { 0 };
  MarPatient *patient;
  JsonArray *names;
  const char *birth_date, *gender;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_PATIENT, options, error))
    return NULL;

  patient = r.resource->patient = mar_patient_new ();
  patient->id = g_strdup (r.id);
  patient->version = g_strdup (r.resource->version);
  r.resource->patient_id = g_strdup (r.id);

  if (!get_identifiers (&r, object, patient->identifiers, error))
    return NULL;
  for (guint i = 0; i < patient->identifiers->len; i++)
    {
      const MarIdentifier *identifier = g_ptr_array_index (patient->identifiers, i);

      /* FHIR-PROFILE.md: type MR (v2-0203) is the MRN on the wristband. */
      if (g_strcmp0 (identifier->type_code, "MR") == 0 && patient->mrn == NULL)
        patient->mrn = g_strdup (identifier->value);

      /* A system ending in "gsrn" is a GS1 GSRN, AI (8018): a wrong one
       * would never match the band, so it is refused, not kept. */
      if (has_suffix_nocase (identifier->system, "gsrn"))
        {
          if (!gsrn_valid (identifier->value))
            {
              g_autofree char *member = g_strdup_printf ("identifier[%u].value", i);
              reader_fail (&r, error, member,
                           _("\"%s\" is not a GS1 GSRN (18 digits with a valid check digit)"),
                           identifier->value);
              return NULL;
            }
          if (patient->gsrn == NULL)
            patient->gsrn = g_strdup (identifier->value);
        }
    }

  if (!get_array (&r, object, "name", &names, error))
    return NULL;
  if (names != NULL && json_array_get_length (names) > 0)
    {
      gsize mark = reader_enter (&r, "name");
      gsize index_mark = reader_enter_index (&r, 0);
      JsonObject *name;
      JsonArray *given;
      const char *family, *text;
      gboolean ok;

      ok = get_element_object (&r, names, 0, &name, error) &&
           get_string (&r, name, "family", &family, error) &&
           get_string (&r, name, "text", &text, error) &&
           get_array (&r, name, "given", &given, error);
      if (ok)
        {
          g_autoptr(GString) joined = g_string_new (NULL);
          gsize given_mark = reader_enter (&r, "given");

          for (guint i = 0; ok && given != NULL && i < json_array_get_length (given); i++)
            {
              JsonNode *element = json_array_get_element (given, i);

              if (!node_is_string (element))
                {
                  g_autofree char *shown = describe_node (element);
                  gsize element_mark = reader_enter_index (&r, i);
                  ok = reader_fail (&r, error, NULL, _("expected a string, got %s"), shown);
                  reader_leave (&r, element_mark);
                }
              else if (*json_node_get_string (element) != '\0')
                g_string_append_printf (joined, "%s%s", joined->len > 0 ? " " : "",
                                        json_node_get_string (element));
            }
          reader_leave (&r, given_mark);
          patient->family = g_strdup (family);
          if (joined->len > 0)
            patient->given = g_strdup (joined->str);
          else if (family == NULL)
            patient->given = g_strdup (text);
        }
      reader_leave (&r, index_mark);
      reader_leave (&r, mark);
      if (!ok)
        return NULL;
    }

  if (!get_string (&r, object, "birthDate", &birth_date, error))
    return NULL;
  if (birth_date != NULL)
    {
      MarTimePrecision precision;
      gint64 start;

      if (!mar_time_parse_fhir (birth_date, r.time_zone, &start, NULL, &precision) ||
          precision == MAR_TIME_PRECISION_SECOND)
        {
          reader_fail (&r, error, "birthDate", _("expected a FHIR date, got \"%s\""), birth_date);
          return NULL;
        }
      patient->birth_date = g_strdup (birth_date);
    }

  if (!get_code (&r, object, "gender", gender_codes, FALSE, &gender, error) ||
      !get_bool (&r, object, "active", TRUE, &patient->active, error))
    return NULL;
  patient->gender = g_strdup (gender);

  return reader_finish (&r);
}

/* ------------------------------------------------------------------ */
/* Location                                                            */

static const char * const location_status_codes[] = { "active", "suspended", "inactive", NULL };

MarFhirResource *
mar_fhir_read_location (JsonObject           *object,
                        const MarFhirOptions *options,
                        GError              **error)
{
  g_auto(Reader) r = { 0 };
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
  MarLocation *location;
  const char *name, *status;
  const MarCoding *type;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_LOCATION, options, error))
    return NULL;

  location = r.resource->location = mar_location_new ();
  location->id = g_strdup (r.id);
  location->version = g_strdup (r.resource->version);

  if (!get_string (&r, object, "name", &name, error) ||
      !get_code (&r, object, "status", location_status_codes, FALSE, &status, error) ||
      !get_reference (&r, object, "partOf", MAR_FHIR_RESOURCE_LOCATION, REFERENCE_OPTIONAL,
                      &location->part_of_id, NULL, error) ||
      !get_concept (&r, object, "physicalType", types, NULL, error))
    return NULL;

  location->name = g_strdup (name);
  location->status = g_strdup (status);
  if ((type = pick_coding (types, "http://terminology.hl7.org/CodeSystem/location-physical-type")) != NULL)
    location->physical_type = g_strdup (type->code);

  return reader_finish (&r);
}

/* ------------------------------------------------------------------ */
/* Encounter                                                           */

static const char * const encounter_status_codes[] = {
  "planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled",
  "entered-in-error", "unknown", NULL
};
static const char * const encounter_location_status_codes[] = {
  "planned", "active", "reserved", "completed", NULL
};

MarFhirResource *
mar_fhir_read_encounter (JsonObject           *object,
                         const MarFhirOptions *options,
                         GError              **error)
{
  g_auto(Reader) r = { 0 };
  MarEncounter *encounter;
  const char *status;
  JsonArray *locations;
  g_autofree char *active_location = NULL;
  g_autofree char *unstated_location = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_ENCOUNTER, options, error))
    return NULL;

  encounter = r.resource->encounter = mar_encounter_new ();
  encounter->id = g_strdup (r.id);
  encounter->version = g_strdup (r.resource->version);

  if (!get_code (&r, object, "status", encounter_status_codes, TRUE, &status, error) ||
      !get_reference (&r, object, "subject", MAR_FHIR_RESOURCE_PATIENT,
                      REFERENCE_REQUIRED | REFERENCE_RESOLVE, &encounter->patient_id, NULL, error) ||
      !get_period (&r, object, "period", &encounter->start, &encounter->end, error) ||
      !get_array (&r, object, "location", &locations, error))
    return NULL;
  encounter->status = g_strdup (status);
  encounter->removed = r.resource->removed = g_strcmp0 (status, "entered-in-error") == 0;
  r.resource->patient_id = g_strdup (encounter->patient_id);

  /* FHIR-PROFILE.md: location[].location → where the patient is. The
   * last "active" one, else the last one without a status (a completed
   * or planned location is not where the patient is now). */
  if (locations != NULL)
    {
      gsize mark = reader_enter (&r, "location");
      gboolean ok = TRUE;

      for (guint i = 0; ok && i < json_array_get_length (locations); i++)
        {
          gsize index_mark = reader_enter_index (&r, i);
          JsonObject *element;
          const char *location_status = NULL;
          g_autofree char *location_id = NULL;

          ok = get_element_object (&r, locations, i, &element, error) &&
               (element == NULL ||
                (get_code (&r, element, "status", encounter_location_status_codes, FALSE,
                           &location_status, error) &&
                 get_reference (&r, element, "location", MAR_FHIR_RESOURCE_LOCATION,
                                REFERENCE_OPTIONAL, &location_id, NULL, error)));
          if (ok && location_id != NULL)
            {
              if (g_strcmp0 (location_status, "active") == 0)
                {
                  g_free (active_location);
                  active_location = g_steal_pointer (&location_id);
                }
              else if (location_status == NULL)
                {
                  g_free (unstated_location);
                  unstated_location = g_steal_pointer (&location_id);
                }
            }
          reader_leave (&r, index_mark);
        }
      reader_leave (&r, mark);
      if (!ok)
        return NULL;
    }
  encounter->location_id = g_strdup (active_location != NULL ? active_location : unstated_location);

  return reader_finish (&r);
}

/* ------------------------------------------------------------------ */
/* Observation: body weight                                            */

static const char * const observation_status_codes[] = {
  "registered", "preliminary", "final", "amended", "corrected", "cancelled",
  "entered-in-error", "unknown", NULL
};

MarFhirResource *
mar_fhir_read_observation (JsonObject           *object,
                           const MarFhirOptions *options,
                           GError              **error)
{
  g_auto(Reader) r = { 0 };
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
  gboolean body_weight = FALSE;
  MarWeight *weight;
  const char *status;
  MarQuantity value;
  gint64 effective;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_OBSERVATION, options, error) ||
      !get_concept (&r, object, "code", codes, NULL, error))
    return NULL;

  for (guint i = 0; i < codes->len; i++)
    {
      const MarCoding *coding = g_ptr_array_index (codes, i);

      body_weight |= g_strcmp0 (coding->system, MAR_SYSTEM_LOINC) == 0 &&
                     g_strcmp0 (coding->code, BODY_WEIGHT_LOINC) == 0;
    }
  if (!body_weight)
    {
      /* Only the body weight is read (FHIR-PROFILE.md); other
       * observations are not kept and never fail an import. */
      r.resource->ignored = TRUE;
      return reader_finish (&r);
    }

  weight = r.resource->weight = mar_weight_new ();
  weight->id = g_strdup (r.id);
  weight->version = g_strdup (r.resource->version);

  if (!get_code (&r, object, "status", observation_status_codes, TRUE, &status, error) ||
      !get_reference (&r, object, "subject", MAR_FHIR_RESOURCE_PATIENT,
                      REFERENCE_REQUIRED | REFERENCE_RESOLVE, &weight->patient_id, NULL, error) ||
      !get_quantity (&r, object, "valueQuantity", &value, error))
    return NULL;
  weight->status = g_strdup (status);
  weight->removed = r.resource->removed = g_strcmp0 (status, "entered-in-error") == 0;
  r.resource->patient_id = g_strdup (weight->patient_id);

  if (value.set)
    {
      double kg;

      if (strcmp (value.unit, "kg") == 0)
        kg = value.value;
      else if (strcmp (value.unit, "g") == 0)
        kg = value.value / 1000.0;
      else if (strcmp (value.unit, "[lb_av]") == 0 || strcmp (value.unit, "lb") == 0 ||
               strcmp (value.unit, "lbs") == 0)
        kg = value.value * 0.45359237;  /* the international avoirdupois pound */
      else if (strcmp (value.unit, "[oz_av]") == 0)
        kg = value.value * 0.028349523125;
      else
        {
          reader_fail (&r, error, "valueQuantity.code",
                       _("\"%s\" is not a unit of body weight this terminal reads (kg, g, "
                         "[lb_av], [oz_av])"),
                       value.unit);
          return NULL;
        }
      if (kg <= 0)
        {
          reader_fail (&r, error, "valueQuantity.value", _("a body weight must be more than zero"));
          return NULL;
        }
      mar_quantity_set (&weight->weight, kg, "kg");
    }

  /* effective[x]: when it was measured; a weight without a time cannot
   * tell whether it is recent enough for dosing (RULES.md WEIGHT_MISSING). */
  if (!get_time (&r, object, "effectiveDateTime", &effective, error))
    return NULL;
  if (effective == MAR_TIME_UNSET && !get_time (&r, object, "effectiveInstant", &effective, error))
    return NULL;
  if (effective == MAR_TIME_UNSET)
    {
      gint64 end;

      if (!get_period (&r, object, "effectivePeriod", &effective, &end, error))
        return NULL;
    }
  if (effective == MAR_TIME_UNSET)
    {
      reader_fail (&r, error, "effective[x]",
                   _("missing (a body weight needs the time it was measured)"));
      return NULL;
    }
  weight->effective = effective;

  return reader_finish (&r);
}

/* ------------------------------------------------------------------ */
/* Medication                                                          */

static const char * const medication_status_codes[] = {
  "active", "inactive", "entered-in-error", NULL
};

/* The fields FHIR-PROFILE.md reads from a Medication, catalog or contained.
 * @lot and @expiration (nullable) receive batch.lotNumber and
 * batch.expirationDate (a bag's beyond-use date). */
static gboolean
read_medication_body (Reader      *r,
                      JsonObject  *object,
                      MarProduct  *product,
                      char       **lot,
                      char       **expiration,
                      GError     **error)
{
  g_autoptr(GPtrArray) forms = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
  const char *code_text = NULL, *form_text = NULL, *status = NULL;
  const MarCoding *form;
  JsonArray *ingredients;
  JsonObject *batch;

  if (!get_concept (r, object, "code", product->codes, &code_text, error) ||
      !get_concept (r, object, "form", forms, &form_text, error) ||
      !get_ratio (r, object, "amount", &product->amount, error) ||
      !get_code (r, object, "status", medication_status_codes, FALSE, &status, error))
    return FALSE;
  product->removed = g_strcmp0 (status, "entered-in-error") == 0;

  for (guint i = 0; i < product->codes->len; i++)
    {
      MarCoding *coding = g_ptr_array_index (product->codes, i);

      if (g_strcmp0 (coding->system, MAR_SYSTEM_GTIN) == 0)
        {
          g_autofree char *gtin14 = gtin_to_gtin14 (coding->code);

          if (gtin14 == NULL)
            {
              g_autofree char *member = g_strdup_printf ("code.coding[%u].code", i);
              return reader_fail (r, error, member,
                                  _("\"%s\" is not a GTIN (8, 12, 13 or 14 digits with a valid GS1 "
                                    "check digit)"),
                                  coding->code != NULL ? coding->code : "");
            }
          if (product->gtin == NULL)
            product->gtin = g_steal_pointer (&gtin14);
        }
      else if (g_strcmp0 (coding->system, MAR_SYSTEM_NDC) == 0)
        {
          if (!ndc_well_formed (coding->code))
            {
              g_autofree char *member = g_strdup_printf ("code.coding[%u].code", i);
              return reader_fail (r, error, member,
                                  _("\"%s\" is not an NDC (4-4-2, 5-3-2, 5-4-1 or 5-4-2 digits)"),
                                  coding->code != NULL ? coding->code : "");
            }
          if (product->ndc == NULL)
            product->ndc = g_strdup (coding->code);
        }
    }

  if ((form = pick_coding (forms, MAR_SYSTEM_SNOMED)) != NULL)
    {
      product->form_system = g_strdup (form->system);
      product->form_code = g_strdup (form->code);
      product->form_display = g_strdup (form->display != NULL ? form->display : form_text);
    }
  else if (form_text != NULL)
    product->form_display = g_strdup (form_text);

  if (!get_array (r, object, "ingredient", &ingredients, error))
    return FALSE;
  if (ingredients != NULL)
    {
      gsize mark = reader_enter (r, "ingredient");
      gboolean ok = TRUE;

      for (guint i = 0; ok && i < json_array_get_length (ingredients); i++)
        {
          gsize index_mark = reader_enter_index (r, i);
          g_autoptr(GPtrArray) item = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
          g_autoptr(MarIngredient) ingredient = mar_ingredient_new ();
          JsonObject *element, *item_reference = NULL;
          const char *item_text = NULL, *reference_display = NULL;
          const MarCoding *coding;

          ok = get_element_object (r, ingredients, i, &element, error);
          if (ok && element != NULL)
            ok = get_concept (r, element, "itemCodeableConcept", item, &item_text, error) &&
                 get_object (r, element, "itemReference", &item_reference, error) &&
                 get_ratio (r, element, "strength", &ingredient->strength, error);
          if (ok && item_reference != NULL)
            {
              gsize reference_mark = reader_enter (r, "itemReference");
              ok = get_string (r, item_reference, "display", &reference_display, error);
              reader_leave (r, reference_mark);
            }
          if (ok && element != NULL)
            {
              /* mar-model.h: RxNorm preferred when several codings. */
              if ((coding = pick_coding (item, MAR_SYSTEM_RXNORM)) != NULL)
                {
                  ingredient->system = g_strdup (coding->system);
                  ingredient->code = g_strdup (coding->code);
                  ingredient->display = g_strdup (coding->display);
                }
              if (ingredient->display == NULL)
                ingredient->display = g_strdup (item_text != NULL ? item_text
                                                : item->len > 0 ? first_display (item)
                                                : reference_display);
              g_ptr_array_add (product->ingredients, g_steal_pointer (&ingredient));
            }
          reader_leave (r, index_mark);
        }
      reader_leave (r, mark);
      if (!ok)
        return FALSE;
    }

  /* Name: code.text, else the first display, else the ingredients
   * ("Potassium Chloride + Sodium Chloride") for a compounded bag. */
  if (code_text != NULL)
    product->name = g_strdup (code_text);
  else if (first_display (product->codes) != NULL)
    product->name = g_strdup (first_display (product->codes));
  else if (product->ingredients->len > 0)
    {
      g_autoptr(GString) name = g_string_new (NULL);

      for (guint i = 0; i < product->ingredients->len; i++)
        {
          const MarIngredient *ingredient = g_ptr_array_index (product->ingredients, i);

          if (ingredient->display != NULL)
            g_string_append_printf (name, "%s%s", name->len > 0 ? " + " : "", ingredient->display);
        }
      if (name->len > 0)
        product->name = g_strdup (name->str);
    }

  if (!get_object (r, object, "batch", &batch, error))
    return FALSE;
  if (batch != NULL)
    {
      gsize mark = reader_enter (r, "batch");
      const char *lot_number, *expiration_date;
      gint64 ignored;
      gboolean ok;

      ok = get_string (r, batch, "lotNumber", &lot_number, error) &&
           get_string (r, batch, "expirationDate", &expiration_date, error) &&
           (expiration_date == NULL || parse_time (r, "expirationDate", expiration_date, &ignored, error));
      if (ok && lot != NULL)
        *lot = g_strdup (lot_number);
      if (ok && expiration != NULL)
        *expiration = g_strdup (expiration_date);
      reader_leave (r, mark);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

MarFhirResource *
mar_fhir_read_medication (JsonObject           *object,
                          const MarFhirOptions *options,
                          GError              **error)
{
  g_auto(Reader) r = { 0 };
  MarProduct *product;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_MEDICATION, options, error))
    return NULL;

  product = r.resource->product = mar_product_new ();
  product->id = g_strdup (r.id);
  product->version = g_strdup (r.resource->version);
  product->catalog = TRUE;
  if (!read_medication_body (&r, object, product, NULL, NULL, error))
    return NULL;
  r.resource->removed = product->removed;

  return reader_finish (&r);
}

/* The Medication of a request, dispense or administration:
 * medicationCodeableConcept (codes), or medicationReference to a contained
 * Medication ("#med1", read here and added to resource->contained, id
 * "<Type>/<id>#med1") or to a catalog one (which must resolve when
 * @catalog_flags says so). */
typedef struct
{
  GPtrArray  *codes;          /* (MarCoding) of the concept, or of a contained Medication */
  char       *display;
  char       *product_id;     /* catalog or contained; NULL for a concept */
  MarProduct *contained;      /* borrowed from resource->contained, or NULL */
  char       *lot;            /* contained batch */
  char       *expiration;
} MedicationRef;

static void
medication_ref_clear (MedicationRef *ref)
{
  g_clear_pointer (&ref->codes, g_ptr_array_unref);
  g_free (ref->display);
  g_free (ref->product_id);
  g_free (ref->lot);
  g_free (ref->expiration);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MedicationRef, medication_ref_clear)

static gboolean
read_contained_medication (Reader         *r,
                           const char     *local_id,
                           MedicationRef  *ref,
                           GError        **error)
{
  JsonArray *contained;
  gsize mark;

  if (!get_array (r, r->root, "contained", &contained, error))
    return FALSE;

  for (guint i = 0; contained != NULL && i < json_array_get_length (contained); i++)
    {
      JsonNode *node = json_array_get_element (contained, i);
      JsonObject *object;
      JsonNode *id, *type;
      g_autoptr(MarProduct) product = NULL;
      gboolean ok;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      id = json_object_get_member (object, "id");
      type = json_object_get_member (object, "resourceType");
      if (id == NULL || !node_is_string (id) || g_strcmp0 (json_node_get_string (id), local_id) != 0)
        continue;

      mark = reader_enter (r, "contained");
      reader_enter_index (r, i);
      if (type == NULL || !node_is_string (type) ||
          g_strcmp0 (json_node_get_string (type), "Medication") != 0)
        {
          reader_fail (r, error, "resourceType", _("expected a contained Medication"));
          reader_leave (r, mark);
          return FALSE;
        }

      product = mar_product_new ();
      product->id = g_strdup_printf ("%s/%s#%s", r->type_name, r->id, local_id);
      product->version = g_strdup (r->resource->version);
      product->catalog = FALSE;  /* RULES.md: describes this bag or order only */
      ok = read_medication_body (r, object, product, &ref->lot, &ref->expiration, error);
      reader_leave (r, mark);
      if (!ok)
        return FALSE;

      ref->product_id = g_strdup (product->id);
      ref->contained = product;
      for (guint j = 0; j < product->codes->len; j++)
        g_ptr_array_add (ref->codes, mar_coding_copy (g_ptr_array_index (product->codes, j)));
      if (ref->display == NULL)
        ref->display = g_strdup (product->name);
      g_ptr_array_add (r->resource->contained, g_steal_pointer (&product));
      g_ptr_array_add (r->resource->contained_json, mar_fhir_node_to_string (node));
      return TRUE;
    }

  return reader_fail (r, error, "medicationReference.reference",
                      _("\"#%s\" names no contained resource"), local_id);
}

static gboolean
read_medication_ref (Reader         *r,
                     JsonObject     *object,
                     ReferenceFlags  catalog_flags,
                     MedicationRef  *ref,
                     GError        **error)
{
  JsonObject *concept, *reference;
  const char *text = NULL;

  ref->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);

  if (!get_object (r, object, "medicationCodeableConcept", &concept, error) ||
      !get_object (r, object, "medicationReference", &reference, error))
    return FALSE;

  if (concept != NULL)
    {
      if (!get_concept (r, object, "medicationCodeableConcept", ref->codes, &text, error))
        return FALSE;
      ref->display = g_strdup (text != NULL ? text : first_display (ref->codes));
      return TRUE;
    }

  if (reference != NULL)
    {
      const char *target, *display;
      gsize mark = reader_enter (r, "medicationReference");
      gboolean ok = get_string (r, reference, "reference", &target, error) &&
                    get_string (r, reference, "display", &display, error);

      reader_leave (r, mark);
      if (!ok)
        return FALSE;
      ref->display = g_strdup (display);
      if (target != NULL && target[0] == '#')
        return read_contained_medication (r, target + 1, ref, error);
      return get_reference (r, object, "medicationReference", MAR_FHIR_RESOURCE_MEDICATION,
                            catalog_flags | REFERENCE_REQUIRED, &ref->product_id, NULL, error);
    }

  return reader_fail (r, error, "medication[x]",
                      _("missing (medicationCodeableConcept or medicationReference)"));
}

/* ------------------------------------------------------------------ */
/* MedicationRequest                                                   */

static const char * const request_status_codes[] = {
  "active", "on-hold", "cancelled", "stopped", "completed", "entered-in-error", "draft", NULL
};
static const char * const request_intent_codes[] = {
  "proposal", "plan", "order", "original-order", "reflex-order", "filler-order",
  "instance-order", "option", NULL
};
static const char * const request_priority_codes[] = { "routine", "urgent", "asap", "stat", NULL };
static const char * const time_unit_codes[] = { "s", "min", "h", "d", "wk", "mo", "a", NULL };

/* "08:00:00" → seconds after midnight (FHIR time). */
static gboolean
parse_time_of_day (const char *text,
                   int        *seconds)
{
  int h, m, s;

  if (text == NULL || strlen (text) < 8 ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) || text[2] != ':' ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]) || text[5] != ':' ||
      !g_ascii_isdigit (text[6]) || !g_ascii_isdigit (text[7]))
    return FALSE;
  if (text[8] != '\0' && (text[8] != '.' || !all_digits (text + 9)))
    return FALSE;
  h = (text[0] - '0') * 10 + (text[1] - '0');
  m = (text[3] - '0') * 10 + (text[4] - '0');
  s = (text[6] - '0') * 10 + (text[7] - '0');
  if (h > 23 || m > 59 || s > 59)
    return FALSE;
  *seconds = h * 3600 + m * 60 + s;
  return TRUE;
}

static gboolean
read_timing (Reader     *r,
             JsonObject *timing,
             MarOrder   *order,
             GError    **error)
{
  JsonArray *events, *times;
  JsonObject *repeat;
  const char *unit;
  gboolean present;
  double value;

  if (!get_array (r, timing, "event", &events, error) ||
      !get_object (r, timing, "repeat", &repeat, error))
    return FALSE;

  if (events != NULL)
    {
      gsize mark = reader_enter (r, "event");

      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          JsonNode *element = json_array_get_element (events, i);
          gsize index_mark = reader_enter_index (r, i);
          gint64 t;

          if (!node_is_string (element))
            {
              g_autofree char *shown = describe_node (element);
              reader_fail (r, error, NULL, _("expected a FHIR dateTime, got %s"), shown);
              return FALSE;
            }
          if (!parse_time (r, NULL, json_node_get_string (element), &t, error))
            return FALSE;
          g_array_append_val (order->events, t);
          reader_leave (r, index_mark);
        }
      reader_leave (r, mark);
    }

  if (repeat != NULL)
    {
      gsize mark = reader_enter (r, "repeat");

      if (!get_period (r, repeat, "boundsPeriod", &order->bounds_start, &order->bounds_end, error) ||
          !get_count (r, repeat, "frequency", &order->frequency, error) ||
          !get_count (r, repeat, "count", &order->count, error) ||
          !get_number (r, repeat, "period", &present, &value, error))
        return FALSE;
      if (present)
        {
          if (value <= 0)
            return reader_fail (r, error, "period", _("a period must be more than zero"));
          order->period = value;
        }
      if (!get_code (r, repeat, "periodUnit", time_unit_codes, FALSE, &unit, error))
        return FALSE;
      if (unit != NULL)
        g_strlcpy (order->period_unit, unit, sizeof order->period_unit);
      if (order->period > 0 && unit == NULL)
        return reader_fail (r, error, "periodUnit", _("missing (a period needs its unit)"));

      if (!get_number (r, repeat, "duration", &present, &value, error))
        return FALSE;
      if (present)
        order->duration = value;
      if (!get_code (r, repeat, "durationUnit", time_unit_codes, FALSE, &unit, error))
        return FALSE;
      if (unit != NULL)
        g_strlcpy (order->duration_unit, unit, sizeof order->duration_unit);

      if (!get_array (r, repeat, "timeOfDay", &times, error))
        return FALSE;
      if (times != NULL)
        {
          gsize times_mark = reader_enter (r, "timeOfDay");

          for (guint i = 0; i < json_array_get_length (times); i++)
            {
              JsonNode *element = json_array_get_element (times, i);
              int seconds;

              if (!node_is_string (element) ||
                  !parse_time_of_day (json_node_get_string (element), &seconds))
                {
                  g_autofree char *shown = describe_node (element);
                  gsize index_mark = reader_enter_index (r, i);

                  reader_fail (r, error, NULL, _("expected a time of day (hh:mm:ss), got %s"), shown);
                  reader_leave (r, index_mark);
                  return FALSE;
                }
              g_array_append_val (order->times_of_day, seconds);
            }
          reader_leave (r, times_mark);
        }
      reader_leave (r, mark);
    }

  return TRUE;
}

static gboolean
read_dosage (Reader     *r,
             JsonObject *dosage,
             MarOrder   *order,
             GError    **error)
{
  g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
  const char *text, *route_text;
  const MarCoding *route;
  JsonObject *timing, *as_needed_concept;
  JsonArray *dose_and_rate;

  if (!get_string (r, dosage, "text", &text, error) ||
      !get_concept (r, dosage, "route", routes, &route_text, error) ||
      !get_object (r, dosage, "timing", &timing, error) ||
      !get_bool (r, dosage, "asNeededBoolean", FALSE, &order->as_needed, error) ||
      !get_object (r, dosage, "asNeededCodeableConcept", &as_needed_concept, error) ||
      !get_ratio (r, dosage, "maxDosePerPeriod", &order->max_dose_per_period, error) ||
      !get_array (r, dosage, "doseAndRate", &dose_and_rate, error))
    return FALSE;

  order->text = g_strdup (text);
  order->as_needed |= as_needed_concept != NULL;
  if ((route = pick_coding (routes, MAR_SYSTEM_SNOMED)) != NULL)
    {
      order->route_system = g_strdup (route->system);
      order->route_code = g_strdup (route->code);
      order->route_display = g_strdup (route->display != NULL ? route->display : route_text);
    }

  if (timing != NULL)
    {
      gsize mark = reader_enter (r, "timing");
      gboolean ok = read_timing (r, timing, order, error);

      reader_leave (r, mark);
      if (!ok)
        return FALSE;
    }

  if (dose_and_rate != NULL && json_array_get_length (dose_and_rate) > 0)
    {
      gsize mark = reader_enter (r, "doseAndRate");
      gsize index_mark = reader_enter_index (r, 0);
      JsonObject *first;
      MarRatio rate_ratio;
      gboolean ok;

      ok = get_element_object (r, dose_and_rate, 0, &first, error);
      if (ok && first != NULL)
        {
          MarQuantity dose, dose_low, dose_high, rate, rate_low, rate_high;

          ok = get_quantity (r, first, "doseQuantity", &dose, error) &&
               get_range (r, first, "doseRange", &dose_low, &dose_high, error) &&
               get_quantity (r, first, "rateQuantity", &rate, error) &&
               get_range (r, first, "rateRange", &rate_low, &rate_high, error) &&
               get_ratio (r, first, "rateRatio", &rate_ratio, error);
          if (ok)
            {
              /* doseRange and rateRange → value..high (issue 3). */
              order->dose = dose.set ? dose : dose_low;
              order->dose_high = dose.set ? (MarQuantity) { 0 } : dose_high;
              if (rate.set)
                order->rate = rate;
              else if (rate_low.set || rate_high.set)
                {
                  order->rate = rate_low;
                  order->rate_high = rate_high;
                }
              else
                ok = ratio_to_rate (r, "rateRatio", &rate_ratio, &order->rate, error);
            }
        }
      reader_leave (r, index_mark);
      reader_leave (r, mark);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

MarFhirResource *
mar_fhir_read_medication_request (JsonObject           *object,
                                  const MarFhirOptions *options,
                                  GError              **error)
{
  g_auto(Reader) r = { 0 };
  g_auto(MedicationRef) medication = { 0 };
  MarOrder *order;
  const char *status, *intent, *priority;
  JsonArray *dosages;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_MEDICATION_REQUEST, options, error))
    return NULL;

  order = r.resource->order = mar_order_new ();
  order->id = g_strdup (r.id);
  order->version = g_strdup (r.resource->version);

  /* FHIR-PROFILE.md lists the statuses the engine acts on; any other
   * ("unknown" included) cannot be told apart from an active order. */
  if (!get_code (&r, object, "status", request_status_codes, TRUE, &status, error) ||
      !get_code (&r, object, "intent", request_intent_codes, TRUE, &intent, error) ||
      !get_code (&r, object, "priority", request_priority_codes, FALSE, &priority, error) ||
      !get_reference (&r, object, "subject", MAR_FHIR_RESOURCE_PATIENT,
                      REFERENCE_REQUIRED | REFERENCE_RESOLVE, &order->patient_id, NULL, error) ||
      !get_reference (&r, object, "encounter", MAR_FHIR_RESOURCE_ENCOUNTER, REFERENCE_OPTIONAL,
                      &order->encounter_id, NULL, error) ||
      !get_time (&r, object, "authoredOn", &order->authored_on, error) ||
      !read_medication_ref (&r, object, REFERENCE_RESOLVE, &medication, error) ||
      !get_array (&r, object, "dosageInstruction", &dosages, error))
    return NULL;

  order->status = mar_order_status_from_string (status);
  order->intent = g_strdup (intent);
  order->priority = g_strdup (priority);
  order->removed = r.resource->removed = order->status == MAR_ORDER_STATUS_ENTERED_IN_ERROR;
  r.resource->patient_id = g_strdup (order->patient_id);

  order->medication_display = g_steal_pointer (&medication.display);
  order->medication_product_id = g_steal_pointer (&medication.product_id);
  g_ptr_array_extend_and_steal (order->medication_codes, g_steal_pointer (&medication.codes));
  if (medication.contained != NULL)
    for (guint i = 0; i < medication.contained->ingredients->len; i++)
      g_ptr_array_add (order->ingredients,
                       mar_ingredient_copy (g_ptr_array_index (medication.contained->ingredients, i)));

  /* FHIR-PROFILE.md: dosageInstruction[0]. */
  if (dosages != NULL && json_array_get_length (dosages) > 0)
    {
      gsize mark = reader_enter (&r, "dosageInstruction");
      gsize index_mark = reader_enter_index (&r, 0);
      JsonObject *dosage;
      gboolean ok = get_element_object (&r, dosages, 0, &dosage, error) &&
                    (dosage == NULL || read_dosage (&r, dosage, order, error));

      reader_leave (&r, index_mark);
      reader_leave (&r, mark);
      if (!ok)
        return NULL;
    }

  return reader_finish (&r);
}

/* ------------------------------------------------------------------ */
/* MedicationDispense                                                  */

static const char * const dispense_status_codes[] = {
  "preparation", "in-progress", "cancelled", "on-hold", "completed", "entered-in-error",
  "stopped", "declined", "unknown", NULL
};

MarFhirResource *
mar_fhir_read_medication_dispense (JsonObject           *object,
                                   const MarFhirOptions *options,
                                   GError              **error)
{
  g_auto(Reader) r = { 0 };
  g_auto(MedicationRef) medication = { 0 };
  g_autoptr(GPtrArray) identifiers = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_identifier_free);
  const MarIdentifier *label;
  MarDispense *dispense;
  const char *status;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_MEDICATION_DISPENSE, options, error))
    return NULL;

  dispense = r.resource->dispense = mar_dispense_new ();
  dispense->id = g_strdup (r.id);
  dispense->version = g_strdup (r.resource->version);

  /* A bag belongs to one patient (FHIR-PROFILE.md); its order may be one
   * this terminal has not pulled: kept by id, and no order means no pass. */
  if (!get_identifiers (&r, object, identifiers, error) ||
      !get_code (&r, object, "status", dispense_status_codes, TRUE, &status, error) ||
      !get_reference (&r, object, "subject", MAR_FHIR_RESOURCE_PATIENT,
                      REFERENCE_REQUIRED | REFERENCE_RESOLVE, &dispense->patient_id, NULL, error) ||
      !get_first_reference (&r, object, "authorizingPrescription",
                           MAR_FHIR_RESOURCE_MEDICATION_REQUEST, REFERENCE_OPTIONAL,
                           &dispense->order_id, error) ||
      !read_medication_ref (&r, object, REFERENCE_RESOLVE, &medication, error) ||
      !get_time (&r, object, "whenPrepared", &dispense->when_prepared, error) ||
      !get_quantity (&r, object, "quantity", &dispense->quantity, error))
    return NULL;

  if ((label = pick_identifier (identifiers, MAR_SYSTEM_PHARMACY_LABEL, FALSE, TRUE)) != NULL)
    dispense->label = g_strdup (label->value);
  dispense->status = g_strdup (status);
  dispense->removed = r.resource->removed = g_strcmp0 (status, "entered-in-error") == 0;
  r.resource->patient_id = g_strdup (dispense->patient_id);

  if (medication.product_id == NULL)
    {
      /* Coded only: the bag's drug still has to be known to the engine, as
       * a product of this dispense alone (never a catalog product). */
      g_autoptr(MarProduct) product = mar_product_new ();

      product->id = g_strdup_printf ("MedicationDispense/%s#medicationCodeableConcept", r.id);
      product->version = g_strdup (r.resource->version);
      product->catalog = FALSE;
      product->name = g_strdup (medication.display);
      for (guint i = 0; i < medication.codes->len; i++)
        g_ptr_array_add (product->codes, mar_coding_copy (g_ptr_array_index (medication.codes, i)));
      medication.product_id = g_strdup (product->id);
      g_ptr_array_add (r.resource->contained, g_steal_pointer (&product));
      g_ptr_array_add (r.resource->contained_json,
                       mar_fhir_node_to_string (json_object_get_member (object, "medicationCodeableConcept")));
    }
  dispense->product_id = g_steal_pointer (&medication.product_id);
  dispense->lot = g_steal_pointer (&medication.lot);
  /* FHIR-PROFILE.md: a contained Medication's batch.expirationDate is the
   * bag's beyond-use date. */
  dispense->beyond_use = g_steal_pointer (&medication.expiration);

  return reader_finish (&r);
}

/* ------------------------------------------------------------------ */
/* AllergyIntolerance                                                  */

static const char * const allergy_clinical_codes[] = { "active", "inactive", "resolved", NULL };
static const char * const allergy_verification_codes[] = {
  "unconfirmed", "confirmed", "refuted", "entered-in-error", NULL
};
static const char * const allergy_criticality_codes[] = { "low", "high", "unable-to-assess", NULL };
static const char * const allergy_category_codes[] = {
  "food", "medication", "environment", "biologic", NULL
};

MarFhirResource *
mar_fhir_read_allergy_intolerance (JsonObject           *object,
                                   const MarFhirOptions *options,
                                   GError              **error)
{
  g_auto(Reader) r = { 0 };
  MarAllergy *allergy;
  const char *text, *criticality;
  JsonArray *categories, *reactions;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE, options, error))
    return NULL;

  allergy = r.resource->allergy = mar_allergy_new ();
  allergy->id = g_strdup (r.id);
  allergy->version = g_strdup (r.resource->version);

  if (!get_reference (&r, object, "patient", MAR_FHIR_RESOURCE_PATIENT,
                      REFERENCE_REQUIRED | REFERENCE_RESOLVE, &allergy->patient_id, NULL, error) ||
      !get_concept_code (&r, object, "clinicalStatus", ALLERGY_CLINICAL_SYSTEM,
                         allergy_clinical_codes, &allergy->clinical_status, error) ||
      !get_concept_code (&r, object, "verificationStatus", ALLERGY_VERIFY_SYSTEM,
                         allergy_verification_codes, &allergy->verification_status, error) ||
      !get_concept (&r, object, "code", allergy->codings, &text, error) ||
      !get_code (&r, object, "criticality", allergy_criticality_codes, FALSE, &criticality, error) ||
      !get_array (&r, object, "category", &categories, error) ||
      !get_array (&r, object, "reaction", &reactions, error))
    return NULL;

  r.resource->patient_id = g_strdup (allergy->patient_id);
  allergy->removed = r.resource->removed =
    g_strcmp0 (allergy->verification_status, "entered-in-error") == 0;
  allergy->text = g_strdup (text != NULL ? text : first_display (allergy->codings));
  allergy->criticality = g_strdup (criticality);

  if (categories != NULL && json_array_get_length (categories) > 0)
    {
      JsonNode *first = json_array_get_element (categories, 0);
      gsize mark = reader_enter (&r, "category");
      gboolean ok = TRUE;

      if (!node_is_string (first))
        {
          g_autofree char *shown = describe_node (first);
          ok = reader_fail (&r, error, "[0]", _("expected a string, got %s"), shown);
        }
      else
        ok = check_code (&r, "[0]", json_node_get_string (first), allergy_category_codes, error);
      reader_leave (&r, mark);
      if (!ok)
        return NULL;
      allergy->category = g_strdup (json_node_get_string (first));
    }

  /* reaction[].manifestation: for people, "Anaphylactic reaction, Urticaria". */
  if (reactions != NULL)
    {
      g_autoptr(GString) shown = g_string_new (NULL);
      gsize mark = reader_enter (&r, "reaction");
      gboolean ok = TRUE;

      for (guint i = 0; ok && i < json_array_get_length (reactions); i++)
        {
          gsize index_mark = reader_enter_index (&r, i);
          JsonObject *reaction;

          ok = get_element_object (&r, reactions, i, &reaction, error) &&
               (reaction == NULL ||
                get_concept_list (&r, reaction, "manifestation", NULL, shown, error));
          reader_leave (&r, index_mark);
        }
      reader_leave (&r, mark);
      if (!ok)
        return NULL;
      if (shown->len > 0)
        allergy->reactions = g_strdup (shown->str);
    }

  return reader_finish (&r);
}

/* ------------------------------------------------------------------ */
/* Practitioner and PractitionerRole                                   */

MarFhirResource *
mar_fhir_read_practitioner (JsonObject           *object,
                            const MarFhirOptions *options,
                            GError              **error)
{
  g_auto(Reader) r = { 0 };
  g_autoptr(GPtrArray) identifiers = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_identifier_free);
  const MarIdentifier *badge;
  MarStaff *staff;
  JsonArray *names;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_PRACTITIONER, options, error))
    return NULL;

  staff = r.resource->staff = mar_staff_new ();
  staff->id = g_strdup (r.id);
  staff->version = g_strdup (r.resource->version);

  if (!get_identifiers (&r, object, identifiers, error) ||
      !get_bool (&r, object, "active", TRUE, &staff->active, error) ||
      !get_array (&r, object, "name", &names, error))
    return NULL;

  /* The badge: the identifier whose system ends in "badge" (CODES.md:
   * urn:bedside-mar:badge), else the first one. */
  if ((badge = pick_identifier (identifiers, "badge", TRUE, TRUE)) != NULL)
    staff->badge = g_strdup (badge->value);

  if (names != NULL && json_array_get_length (names) > 0)
    {
      gsize mark = reader_enter (&r, "name");
      gsize index_mark = reader_enter_index (&r, 0);
      g_autoptr(GString) full = g_string_new (NULL);
      JsonObject *name;
      JsonArray *given;
      const char *family, *text;
      gboolean ok;

      ok = get_element_object (&r, names, 0, &name, error) &&
           get_string (&r, name, "text", &text, error) &&
           get_string (&r, name, "family", &family, error) &&
           get_array (&r, name, "given", &given, error);
      for (guint i = 0; ok && given != NULL && i < json_array_get_length (given); i++)
        {
          JsonNode *element = json_array_get_element (given, i);

          if (!node_is_string (element))
            {
              g_autofree char *shown = describe_node (element);
              g_autofree char *member = g_strdup_printf ("given[%u]", i);
              ok = reader_fail (&r, error, member, _("expected a string, got %s"), shown);
            }
          else
            g_string_append_printf (full, "%s%s", full->len > 0 ? " " : "",
                                    json_node_get_string (element));
        }
      if (ok && family != NULL)
        g_string_append_printf (full, "%s%s", full->len > 0 ? " " : "", family);
      reader_leave (&r, index_mark);
      reader_leave (&r, mark);
      if (!ok)
        return NULL;
      staff->name = g_strdup (text != NULL ? text : full->len > 0 ? full->str : NULL);
    }

  return reader_finish (&r);
}

MarFhirResource *
mar_fhir_read_practitioner_role (JsonObject           *object,
                                 const MarFhirOptions *options,
                                 GError              **error)
{
  g_auto(Reader) r = { 0 };
  MarStaffRole *role;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_PRACTITIONER_ROLE, options, error))
    return NULL;

  role = r.resource->staff_role = mar_staff_role_new ();
  role->id = g_strdup (r.id);
  role->version = g_strdup (r.resource->version);

  if (!get_reference (&r, object, "practitioner", MAR_FHIR_RESOURCE_PRACTITIONER,
                      REFERENCE_REQUIRED | REFERENCE_RESOLVE, &role->staff_id, NULL, error) ||
      !get_bool (&r, object, "active", TRUE, &role->active, error) ||
      !get_concept_list (&r, object, "code", role->codes, NULL, error) ||
      !get_first_reference (&r, object, "location", MAR_FHIR_RESOURCE_LOCATION, REFERENCE_OPTIONAL,
                            &role->location_id, error))
    return NULL;

  return reader_finish (&r);
}

/* ------------------------------------------------------------------ */
/* MedicationAdministration                                            */

static const char * const administration_status_codes[] = {
  "in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped", "unknown", NULL
};

MarFhirResource *
mar_fhir_read_medication_administration (JsonObject           *object,
                                         const MarFhirOptions *options,
                                         GError              **error)
{
  g_auto(Reader) r = { 0 };
  g_auto(MedicationRef) medication = { 0 };
  g_autoptr(GPtrArray) identifiers = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_identifier_free);
  const MarIdentifier *bag;
  MarAdministration *administration;
  const char *status, *source = NULL;
  JsonObject *meta, *dosage;
  JsonArray *performers;

  g_return_val_if_fail (object != NULL, NULL);

  if (!reader_begin (&r, object, MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION, options, error))
    return NULL;

  administration = r.resource->administration = mar_administration_new ();
  administration->id = g_strdup (r.id);
  administration->version = g_strdup (r.resource->version);

  /* Doses charted elsewhere: the order and the product may be ones this
   * terminal never pulled (kept by id); the patient must be known. */
  if (!get_identifiers (&r, object, identifiers, error) ||
      !get_code (&r, object, "status", administration_status_codes, TRUE, &status, error) ||
      !get_reference (&r, object, "subject", MAR_FHIR_RESOURCE_PATIENT,
                      REFERENCE_REQUIRED | REFERENCE_RESOLVE, &administration->patient_id, NULL, error) ||
      !read_medication_ref (&r, object, REFERENCE_OPTIONAL, &medication, error) ||
      !get_reference (&r, object, "request", MAR_FHIR_RESOURCE_MEDICATION_REQUEST, REFERENCE_OPTIONAL,
                      &administration->order_id, &administration->order_version, error) ||
      !get_time (&r, object, "effectiveDateTime", &administration->start, error) ||
      !get_array (&r, object, "performer", &performers, error) ||
      !get_object (&r, object, "dosage", &dosage, error) ||
      !get_object (&r, object, "meta", &meta, error))
    return NULL;

  administration->status = g_strdup (status);
  administration->removed = r.resource->removed = g_strcmp0 (status, "entered-in-error") == 0;
  r.resource->patient_id = g_strdup (administration->patient_id);

  if (administration->start == MAR_TIME_UNSET &&
      !get_period (&r, object, "effectivePeriod", &administration->start, &administration->end, error))
    return NULL;
  if (administration->start == MAR_TIME_UNSET)
    {
      reader_fail (&r, error, "effective[x]",
                   _("missing (effectiveDateTime or effectivePeriod.start)"));
      return NULL;
    }

  if ((bag = pick_identifier (identifiers, MAR_SYSTEM_PHARMACY_LABEL, FALSE, FALSE)) != NULL ||
      (bag = pick_identifier (identifiers, MAR_SYSTEM_BAG, FALSE, FALSE)) != NULL)
    administration->bag_id = g_strdup (bag->value);

  administration->product_id = g_steal_pointer (&medication.product_id);
  if (medication.contained != NULL)
    administration->gtin = g_strdup (medication.contained->gtin);

  /* performer[]: who gave it (function absent or "performer"), not the
   * witness (verifier). Need not be cached. */
  for (guint i = 0; performers != NULL && i < json_array_get_length (performers); i++)
    {
      g_autofree char *member = g_strdup_printf ("performer[%u]", i);
      gsize mark = reader_enter (&r, member);
      JsonNode *element = json_array_get_element (performers, i);
      g_autoptr(GPtrArray) functions = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_coding_free);
      g_autofree char *actor = NULL;
      const MarCoding *function;
      gboolean ok = TRUE;

      if (JSON_NODE_HOLDS_OBJECT (element))
        {
          JsonObject *performer = json_node_get_object (element);
          JsonObject *actor_object;

          ok = get_concept (&r, performer, "function", functions, NULL, error) &&
               get_object (&r, performer, "actor", &actor_object, error);
          if (ok && actor_object != NULL)
            {
              const char *text;
              gsize actor_mark = reader_enter (&r, "actor");
              g_autofree char *type = NULL;

              ok = get_string (&r, actor_object, "reference", &text, error);
              if (ok && text != NULL &&
                  mar_fhir_parse_reference (text, r.options->full_urls, &type, &actor, NULL) &&
                  g_strcmp0 (type, "Practitioner") != 0)
                g_clear_pointer (&actor, g_free);
              reader_leave (&r, actor_mark);
            }
        }
      reader_leave (&r, mark);
      if (!ok)
        return NULL;
      function = pick_coding (functions, NULL);
      if (actor != NULL && administration->performer_id == NULL &&
          (function == NULL || g_strcmp0 (function->code, "performer") == 0))
        administration->performer_id = g_steal_pointer (&actor);
    }

  if (dosage != NULL)
    {
      gsize mark = reader_enter (&r, "dosage");
      MarRatio rate_ratio;
      gboolean ok;

      ok = get_quantity (&r, dosage, "dose", &administration->dose, error) &&
           get_quantity (&r, dosage, "rateQuantity", &administration->rate, error) &&
           get_ratio (&r, dosage, "rateRatio", &rate_ratio, error);
      if (ok && !administration->rate.set)
        ok = ratio_to_rate (&r, "rateRatio", &rate_ratio, &administration->rate, error);
      reader_leave (&r, mark);
      if (!ok)
        return NULL;
    }

  /* The system that charted it: meta.source, else the import's or
   * server's name. */
  if (meta != NULL)
    {
      gsize mark = reader_enter (&r, "meta");
      gboolean ok = get_string (&r, meta, "source", &source, error);

      reader_leave (&r, mark);
      if (!ok)
        return NULL;
    }
  administration->source = g_strdup (source != NULL ? source
                                     : r.options->source != NULL ? r.options->source : "fhir");

  return reader_finish (&r);
}

/* ------------------------------------------------------------------ */

MarFhirResource *
mar_fhir_read_resource (JsonObject           *object,
                        const MarFhirOptions *options,
                        GError              **error)
{
  JsonNode *node;
  const char *name = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  node = json_object_get_member (object, "resourceType");
  if (node != NULL && node_is_string (node))
    name = json_node_get_string (node);

  switch (mar_fhir_resource_type_from_name (name))
    {
    case MAR_FHIR_RESOURCE_PATIENT:
      return mar_fhir_read_patient (object, options, error);
    case MAR_FHIR_RESOURCE_LOCATION:
      return mar_fhir_read_location (object, options, error);
    case MAR_FHIR_RESOURCE_ENCOUNTER:
      return mar_fhir_read_encounter (object, options, error);
    case MAR_FHIR_RESOURCE_OBSERVATION:
      return mar_fhir_read_observation (object, options, error);
    case MAR_FHIR_RESOURCE_MEDICATION:
      return mar_fhir_read_medication (object, options, error);
    case MAR_FHIR_RESOURCE_MEDICATION_REQUEST:
      return mar_fhir_read_medication_request (object, options, error);
    case MAR_FHIR_RESOURCE_MEDICATION_DISPENSE:
      return mar_fhir_read_medication_dispense (object, options, error);
    case MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE:
      return mar_fhir_read_allergy_intolerance (object, options, error);
    case MAR_FHIR_RESOURCE_PRACTITIONER:
      return mar_fhir_read_practitioner (object, options, error);
    case MAR_FHIR_RESOURCE_PRACTITIONER_ROLE:
      return mar_fhir_read_practitioner_role (object, options, error);
    case MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION:
      return mar_fhir_read_medication_administration (object, options, error);
    case MAR_FHIR_RESOURCE_UNKNOWN:
    case MAR_FHIR_N_RESOURCE_TYPES:
    default:
      break;
    }

  g_set_error (error, MAR_FHIR_ERROR, MAR_FHIR_ERROR_UNSUPPORTED,
               _("%s resources are not read by this terminal"), name != NULL ? name : "?");
  return NULL;
}
