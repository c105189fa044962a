"""Predictive customer lifetime value: BG/NBD purchases and Gamma-Gamma spend.

Maximum-likelihood fits written with numpy and scipy (no PyMC): the models of
Fader, Hardie and Lee (2005), "Counting your customers the easy way" (BG/NBD)
and "RFM and CLV" (Gamma-Gamma). ``ecomops.clv.tables`` holds the bodies of
the dbt Python models ``int_clv_parameters``, ``int_customer_clv_scores`` and
``int_clv_holdout_predictions``, which ``ecomops.clv.spark_step`` runs outside
dbt on Spark; the parameter-recovery tests are in
``tests/python/test_clv_fit.py``.

Time is measured in days throughout; a "purchase" is a purchase *day* (two
paid orders on one Asia/Shanghai day count once), so ``frequency`` is the
number of repeat purchase days.
"""

from ecomops.clv.bgnbd import BgNbdParams, fit_bgnbd
from ecomops.clv.gamma_gamma import GammaGammaParams, fit_gamma_gamma
from ecomops.clv.value import discounted_clv

__all__ = [
    "BgNbdParams",
    "GammaGammaParams",
    "discounted_clv",
    "fit_bgnbd",
    "fit_gamma_gamma",
]
