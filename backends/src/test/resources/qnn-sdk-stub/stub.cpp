// isptool test stub: bodies for the declarations in include/QnnModel.hpp, so that a generated
// model source links into a shared library with -Wl,--no-undefined. Counts calls, does nothing else.
#include "QnnModel.hpp"

namespace qnn_wrapper_api {

QnnModel::QnnModel() : tensors_(0), nodes_(0) {}
QnnModel::~QnnModel() {}

ModelError_t QnnModel::initialize(const Qnn_BackendHandle_t&, const QNN_INTERFACE_VER_TYPE&,
                                  const Qnn_ContextHandle_t&, const char*, bool, uint8_t,
                                  const QnnGraph_Config_t**) {
  return MODEL_NO_ERROR;
}

ModelError_t QnnModel::addTensor(const char*, Qnn_Tensor_t, bool) {
  tensors_++;
  return MODEL_NO_ERROR;
}

ModelError_t QnnModel::addNode(Qnn_OpConfigVersion_t, const char*, const char*, const char*, Qnn_Param_t*, uint32_t,
                               const char**, uint32_t, Qnn_Tensor_t*, uint32_t) {
  nodes_++;
  return MODEL_NO_ERROR;
}

ModelError_t getGraphInfoFromModels(QnnModel*, uint32_t, GraphInfoPtr_t**) { return MODEL_NO_ERROR; }
ModelError_t freeGraphsInfo(GraphInfoPtr_t**, uint32_t) { return MODEL_NO_ERROR; }
ModelError_t getQnnGraphConfigFromInfo(const char*, const GraphConfigInfo_t**, const uint32_t,
                                       const QnnGraph_Config_t**&) {
  return MODEL_NO_ERROR;
}

}  // namespace qnn_wrapper_api
