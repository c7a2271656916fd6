"""Networks used to generate isptool's test models: training-form re-parameterizable ones, and
plain mobile ISP / restoration / classification nets for the TFLite conversion tests."""
from .acnet import ACNet
from .common import count_deploy_convs, randomize_model
from .csanet import CSANetLike
from .dbb import DBBNet
from .ecb import ECBSR
from .fsrcnn import FSRCNN
from .mai_isp import MAIISPNet
from .mobilenet import MobileNetV2Small
from .mobileone import MobileOneNet
from .nafnet import NAFNetLike
from .qarepvgg import QARepVGGNet
from .repvgg import RepVGGNet
from .seqpad import SeqZeroPadNet
from .sensitive import SensitiveNet
from .syenet import SYENetISP
from .syenet_sr import SYENetSR
from .syenet_sr4 import SYENetSR4
from .unet import UNetSmall

__all__ = [
    "ACNet", "CSANetLike", "DBBNet", "ECBSR", "FSRCNN", "MAIISPNet", "MobileNetV2Small",
    "MobileOneNet", "NAFNetLike", "QARepVGGNet", "RepVGGNet", "SeqZeroPadNet", "SensitiveNet", "SYENetISP",
    "SYENetSR", "SYENetSR4", "UNetSmall", "count_deploy_convs", "randomize_model",
]
