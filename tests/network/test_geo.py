"""Decoding TopoJSON into SVG paths (network.geo), on a topology small enough to check
by hand, and on the vendored atlas."""

from network import geo


def named(name):
    return {"name": name}


# Two quantized arcs (scale 1° per unit, translate -180/-90 → absolute = q - 180, q - 90):
# arc 0 from (180, 90) = (0°, 0°) east 10 then north 10; arc 1 back west and south.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [-180, -90]},
    "arcs": [
        [[180, 90], [10, 0], [0, 10]],
        [[190, 100], [-10, 0], [0, -10]],
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "001", "properties": named("Square")},
                {"type": "Polygon", "arcs": [[~1, ~0]], "id": "002", "properties": named("Back")},
                {"type": "Polygon", "arcs": [[0, 1]], "id": "010", "properties": named("Pole")},
                {"type": None, "id": "003"},
            ],
        }
    },
}  # fmt: skip


class TestDecode:
    def test_delta_decoding_gives_absolute_positions(self):
        arcs = geo.decode_arcs(TOPOLOGY)
        assert arcs[0] == [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]
        assert arcs[1] == [(10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]

    def test_a_ring_joins_its_arcs_and_keeps_shared_points_once(self):
        arcs = geo.decode_arcs(TOPOLOGY)
        assert geo.ring_points([0, 1], arcs) == [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
        # ~1 is arc 1 reversed: the same square, walked the other way.
        assert geo.ring_points([~1, ~0], arcs) == [(0, 0), (0, 10), (10, 10), (10, 0), (0, 0)]

    def test_countries_become_svg_paths_without_antarctica_or_empty_shapes(self):
        shapes = geo.countries_of(TOPOLOGY)
        assert [(c.id, c.name) for c in shapes] == [("001", "Square"), ("002", "Back")]
        x0, y0 = geo.project(0, 0)
        x1, _ = geo.project(10, 0)
        _, y1 = geo.project(0, 10)
        assert shapes[0].path == (
            f"M{x0:g},{y0:g}L{x1:g},{y0:g}L{x1:g},{y1:g}L{x0:g},{y1:g}L{x0:g},{y0:g}Z"
        )

    def test_projection_puts_north_up_and_the_antimeridian_at_the_edges(self):
        assert geo.project(-180, geo.NORTH) == (0, 0)
        assert geo.project(180, geo.SOUTH) == (geo.WIDTH, geo.HEIGHT)
        assert geo.project(0, 0)[1] < geo.project(0, -10)[1]

    def test_a_ring_across_the_antimeridian_is_drawn_on_both_edges(self):
        ring = [(179.0, 1.0), (-179.0, 1.0), (-179.0, -1.0), (179.0, -1.0), (179.0, 1.0)]
        first, copy = geo.unwrap(ring)
        assert [lon for lon, _ in first] == [179, 181, 181, 179, 179]
        assert [lon for lon, _ in copy] == [-181, -179, -179, -181, -181]


class TestAtlas:
    def test_the_vendored_atlas_decodes_to_every_country_but_antarctica(self):
        shapes = geo.world_countries()
        names = {c.name for c in shapes}
        assert {"Kenya", "Italy", "Kuwait", "Fiji", "Russia"} <= names
        assert "Antarctica" not in names
        assert len(shapes) == 176
        assert geo.world_countries() is shapes  # decoded once per process
        for shape in shapes:
            assert shape.path.startswith("M") and shape.path.endswith("Z")
