"""The advisor's arithmetic (network.scoring): factor scores, weights, missing data,
currencies, ties and determinism, by hand."""

from decimal import Decimal

from network.scoring import (
    FACTORS,
    WEIGHTS,
    Candidate,
    Factor,
    comparable_currency,
    cost_factors,
    rank,
    ratio,
    total,
)

D = Decimal


def factors(**scores) -> dict[str, Factor]:
    return {name: Factor(name, scores.get(name), "") for name in FACTORS}


class TestWeightsAndTotal:
    def test_weights_add_up_to_a_hundred(self):
        assert sum(WEIGHTS.values()) == 100

    def test_total_is_the_weighted_sum_rounded_once(self):
        # 35 × 0.8710 + 15 × 0.8800 + 15 × 0.8125 + 15 × 1 = 30.485 + 13.2 + 12.1875 + 15
        f = factors(attainment=D("0.8710"), cost=D("0.8800"), overlap=D("0.8125"), scope=D(1))
        assert total(f) == D("70.87")
        assert f["attainment"].points_shown == D("30.49")  # half up, shown per factor

    def test_no_data_adds_nothing(self):
        assert total(factors()) == D("0.00")
        assert total(factors(scope=D(1))) == D("15.00")

    def test_ratio_is_four_decimals_half_up_and_none_without_a_whole(self):
        assert ratio(2, 3) == D("0.6667")
        assert ratio(1, 8) == D("0.1250")
        assert ratio(0, 0) is None


class TestCost:
    def test_cheapest_scores_one_and_others_in_proportion(self):
        result = cost_factors({1: (D(10), "USD"), 2: (D(20), "USD"), 3: (D(40), "USD")})
        assert [result[k].score for k in (1, 2, 3)] == [D("1.0000"), D("0.5000"), D("0.2500")]

    def test_other_currency_and_no_rate_are_no_data(self):
        result = cost_factors({1: (D(10), "USD"), 2: (D(20), "USD"), 3: (D(5), "EUR"),
                               4: (None, None)})  # fmt: skip
        assert result[3].no_data and "not compared" in result[3].note
        assert result[4].no_data and result[4].text == "no data"
        assert result[1].score == D("1.0000")

    def test_currency_tie_goes_to_the_first_alphabetically(self):
        assert comparable_currency({1: (D(10), "USD"), 2: (D(8), "EUR")}) == "EUR"
        assert comparable_currency({}) == ""

    def test_a_free_offering_scores_one_and_makes_the_others_zero(self):
        result = cost_factors({1: (D(0), "USD"), 2: (D(5), "USD")})
        assert (result[1].score, result[2].score) == (D(1), D(0))


class TestRank:
    def test_ranks_by_total_then_provider_code(self):
        same = {"attainment": D("0.5"), "scope": D(1)}
        ranked = rank(
            [
                Candidate("B-PROV", "B", factors(**same)),
                Candidate("C-PROV", "C", factors(attainment=D(1), scope=D(1))),
                Candidate("A-PROV", "A", factors(**same)),
            ]
        )
        assert [(c.position, c.code, c.score) for c in ranked] == [
            (1, "C-PROV", D("50.00")),
            (2, "A-PROV", D("32.50")),
            (3, "B-PROV", D("32.50")),
        ]

    def test_same_input_in_any_order_gives_the_same_ranking(self):
        def build():
            return [
                Candidate(f"P{i}", "", factors(attainment=D(i % 3) / 2, overlap=D(i % 2)))
                for i in range(8)
            ]

        first = [(c.code, c.score, c.position) for c in rank(build())]
        second = [(c.code, c.score, c.position) for c in rank(list(reversed(build())))]
        assert first == second

    def test_missing_lists_the_factors_without_data(self):
        (candidate,) = rank([Candidate("X", "", factors(scope=D(1)))])
        assert candidate.missing == [
            "Standard attainment",
            "Satisfaction",
            "Cost-recovery rate",
            "Working-hours overlap",
        ]
