/* mar-bag-row.h — one bag of this terminal's record, with what can be done to it
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which actions a bag offers is the record's state machine
 * (mar_infusion_state_allows(), RULES.md "The record"): the row only
 * shows the ones it allows.
 */

#pragma once

#include <adwaita.h>

#include "mar-infusion.h"

G_BEGIN_DECLS

#define MAR_TYPE_BAG_ROW (mar_bag_row_get_type ())
G_DECLARE_FINAL_TYPE (MarBagRow, mar_bag_row, MAR, BAG_ROW, GtkWidget)

GtkWidget *mar_bag_row_new             (const MarInfusion *infusion,
                                        GTimeZone         *time_zone,
                                        gint64             now);
gint64     mar_bag_row_get_infusion_id (MarBagRow         *self);
/* Actions need the patient's wristband scanned first. */
void       mar_bag_row_set_actions_enabled (MarBagRow     *self,
                                            gboolean       enabled);
void       mar_bag_row_set_highlighted (MarBagRow         *self,
                                        gboolean           highlighted);

G_END_DECLS
