"""Training-form re-parameterizable networks used to generate isptool's test models."""
from .acnet import ACNet
from .common import count_deploy_convs, randomize_model
from .dbb import DBBNet
from .ecb import ECBSR
from .mobileone import MobileOneNet
from .qarepvgg import QARepVGGNet
from .repvgg import RepVGGNet
from .seqpad import SeqZeroPadNet
from .syenet import SYENetISP

__all__ = [
    "ACNet", "DBBNet", "ECBSR", "MobileOneNet", "QARepVGGNet", "RepVGGNet", "SeqZeroPadNet",
    "SYENetISP", "count_deploy_convs", "randomize_model",
]
