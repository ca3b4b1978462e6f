// 上传发票: drag-and-drop of many files or ZIPs onto the upload form (no inline script; the
// plain <input type=file multiple> keeps working without this file).
(function () {
  "use strict";
  var zone = document.querySelector("[data-drop-zone]");
  if (!zone) { return; }
  var input = zone.querySelector("input[type=file]");
  var list = zone.querySelector("[data-drop-list]");
  if (!input) { return; }

  function show(files) {
    if (!list) { return; }
    list.textContent = "";
    for (var i = 0; i < files.length; i++) {
      var li = document.createElement("li");
      li.textContent = files[i].name + " (" + Math.ceil(files[i].size / 1024) + " KB)";
      list.appendChild(li);
    }
  }

  function merge(dropped) {
    var transfer = new DataTransfer();
    var existing = input.files || [];
    for (var i = 0; i < existing.length; i++) { transfer.items.add(existing[i]); }
    for (var j = 0; j < dropped.length; j++) { transfer.items.add(dropped[j]); }
    input.files = transfer.files;
    show(input.files);
  }

  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("border-primary");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.remove("border-primary");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) { merge(event.dataTransfer.files); }
  });
  input.addEventListener("change", function () { show(input.files); });
})();
