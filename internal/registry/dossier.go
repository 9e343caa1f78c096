package registry

import (
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// A zone's dossier is the zone with its parcels and its green areas, in
// one file, each feature with a "layer" property naming its collection:
// what a board hands an investor or a surveyor. The HTTP API serves it
// (GET /zones/{id}/dossier) and the command line writes it (zonegis
// export --collection dossier); both assemble it here.

// DossierLayers are the layers of a dossier, in the order WriteDossier
// writes them (export.Options.Layers).
var DossierLayers = []*export.Layer{export.Zones, export.Parcels, export.GreenAreas}

// DossierName is the name of zone z's dossier inside the file
// (export.Options.Name).
func DossierName(z *zonegis.Zone) string { return "dossier " + z.Code }

// WriteDossier writes the dossier of zone z as snap holds it to w: the
// zone, then its parcels, then its green areas, each in id order. It
// stops at the first error of w and returns it; it does not close w.
func WriteDossier(w *export.Writer, snap *index.Snapshot, z *zonegis.Zone) error {
	var f export.Feature
	if e, ok := snap.ZoneEntries().Get(z.ID); ok && e.Record() == z {
		z = e.WithBoundary() // the index's record holds no geometry of its own
	}
	export.ZoneFeature(&f, z)
	werr := w.Write(&f)
	if werr == nil {
		snap.ParcelEntries().OfZone(z.ID, func(p *index.Entry[zonegis.Parcel]) bool {
			export.ParcelFeature(&f, p.WithBoundary())
			werr = w.Write(&f)
			return werr == nil
		})
	}
	if werr == nil {
		snap.GreenAreaEntries().OfZone(z.ID, func(g *index.Entry[zonegis.GreenArea]) bool {
			export.GreenAreaFeature(&f, g.WithBoundary())
			werr = w.Write(&f)
			return werr == nil
		})
	}
	return werr
}
